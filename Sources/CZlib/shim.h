#ifndef PANTAU_CZLIB_SHIM_H
#define PANTAU_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2/deflateInit2 are function-like macros (they pass ZLIB_VERSION and the stream
// size for ABI checks), so Swift cannot call them; these wrappers can.
static inline int czlib_inflate_init2(z_stream *s, int windowBits) {
    return inflateInit2(s, windowBits);
}
static inline int czlib_deflate_init2(z_stream *s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
