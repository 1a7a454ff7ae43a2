#ifndef TAILSCAN_ISAL_SHIM_H
#define TAILSCAN_ISAL_SHIM_H
// ISA-L's gzip inflate (igzip), about twice as fast as zlib's. It is compiled in where its
// header is found at build time (Debian: libisal-dev) and loaded at run time (libisal.so.2,
// Debian: libisal2), so tailscan builds and runs without it, on zlib. The state lives here, in
// C: its layout is the header's.
#include <stdint.h>

typedef struct tailscan_isal tailscan_isal;

/// 1 if ISA-L can be used; else 0, with why in *reason (a static string).
int tailscan_isal_available(const char **reason);

/// A new gzip inflate state (NULL if ISA-L is unavailable or memory is short).
tailscan_isal *tailscan_isal_create(void);
void tailscan_isal_destroy(tailscan_isal *state);

/// Starts a new gzip member (its header is parsed by the next inflate); the input is kept.
void tailscan_isal_reset(tailscan_isal *state);

/// Sets the input to `count` bytes at `bytes`.
void tailscan_isal_set_input(tailscan_isal *state, const uint8_t *bytes, uint32_t count);
/// The input not yet consumed, and where it starts.
uint32_t tailscan_isal_avail_in(const tailscan_isal *state);
const uint8_t *tailscan_isal_next_in(const tailscan_isal *state);
/// Drops the next `count` bytes of input (at most `tailscan_isal_avail_in`).
void tailscan_isal_skip(tailscan_isal *state, uint32_t count);

/// Decompresses into `out` (`capacity` bytes): returns 0, or ISA-L's error code (negative, or
/// a positive code other than 0); sets *produced to the bytes written and *finished to 1 when
/// the member (its trailer checked) is complete.
int tailscan_isal_inflate(
    tailscan_isal *state, uint8_t *out, uint32_t capacity, uint32_t *produced, int *finished);

#endif
