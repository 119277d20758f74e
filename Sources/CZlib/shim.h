#include <zlib.h>

// deflateInit2 and inflateInit2 are macros; Swift sees these functions instead. A window of
// 15 + 16 bits asks zlib for the gzip wrapper (RFC 1952) rather than zlib's own.
static inline int portico_gzip_deflate_init(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int portico_gzip_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
