#ifndef TAILSCAN_CZSTD_BUFFERS_H
#define TAILSCAN_CZSTD_BUFFERS_H
#include <stddef.h>

// The two structs of libzstd's streaming API, declared as zstd.h declares them (stable since
// zstd 1.0). Nothing is linked: tailscan loads libzstd at run time (dlopen), so building needs
// no zstd headers or library, and the C layout of these structs comes from the compiler.
typedef struct ZSTD_inBuffer_s {
  const void *src;  // start of the input buffer
  size_t size;      // size of the input buffer
  size_t pos;       // position where reading stopped; updated by libzstd
} ZSTD_inBuffer;

typedef struct ZSTD_outBuffer_s {
  void *dst;    // start of the output buffer
  size_t size;  // size of the output buffer
  size_t pos;   // position where writing stopped; updated by libzstd
} ZSTD_outBuffer;

#endif
