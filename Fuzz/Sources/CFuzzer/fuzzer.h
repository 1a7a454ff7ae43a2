// libFuzzer's documented entry point for a program with its own main: runs the fuzzer with the
// command line (flags, corpus directories) and calls `callback` with each input. Linked in by
// -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
