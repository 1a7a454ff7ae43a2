#ifndef TAILSCAN_CZLIB_SHIM_H
#define TAILSCAN_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)); Swift cannot
// import macros that expand to calls, so re-export it as a function.
static inline int tailscan_inflateInit2(z_streamp strm, int windowBits) {
  return inflateInit2(strm, windowBits);
}

// deflateInit2 is a macro for the same reason. Method Z_DEFLATED, memLevel 8 (zlib's default)
// and the default strategy are fixed; tailscan only writes gzip for tests and tooling.
static inline int tailscan_deflateInit2(z_streamp strm, int level, int windowBits) {
  return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
