#include "seccomp/sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <immintrin.h>
#include <sys/platform/x86.h>
#define HAVE_SHA_NI 1
#endif

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void block(nk_sha256 *s, const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
    uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

bool nk_sha256_portable_only; /* tests: check the portable rounds too */

#ifdef HAVE_SHA_NI
/* The x86 SHA extensions: the cache reads hash ~20 KB (the profile for the
 * key, the program for its checksum) on every create and exec; this is ~10x
 * faster than the rounds below. Four rounds per step; B[g] is message words
 * 4g..4g+3, the ring m holds the last four. */
__attribute__((target("sha,sse4.1,ssse3"))) static void block_shani(nk_sha256 *s, const uint8_t *p)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&s->h[0]);
    __m128i st1 = _mm_loadu_si128((const __m128i *)&s->h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);         /* C D A B */
    st1 = _mm_shuffle_epi32(st1, 0x1B);         /* E F G H */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8); /* A B E F */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);      /* C D G H */
    const __m128i save0 = st0, save1 = st1;
    __m128i m[4];
    for (int g = 0; g < 16; g++) {
        __m128i w;
        if (g < 4) {
            w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
        } else {
            w = _mm_sha256msg1_epu32(m[g % 4], m[(g + 1) % 4]);
            w = _mm_add_epi32(w, _mm_alignr_epi8(m[(g + 3) % 4], m[(g + 2) % 4], 4));
            w = _mm_sha256msg2_epu32(w, m[(g + 3) % 4]);
        }
        m[g % 4] = w;
        __m128i msg = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&k[4 * g]));
        st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
        st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
    }
    st0 = _mm_add_epi32(st0, save0);
    st1 = _mm_add_epi32(st1, save1);
    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* F E B A */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* D C H G */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* D C B A */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* H G F E */
    _mm_storeu_si128((__m128i *)&s->h[0], st0);
    _mm_storeu_si128((__m128i *)&s->h[4], st1);
}

/* glibc probed the CPU at start-up already: no CPUID of our own */
static bool use_shani(void)
{
    static int have = -1;
    if (have < 0)
        have = CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSSE3);
    return have && !nk_sha256_portable_only;
}
#endif

static void compress(nk_sha256 *s, const uint8_t *p)
{
#ifdef HAVE_SHA_NI
    if (use_shani()) {
        block_shani(s, p);
        return;
    }
#endif
    block(s, p);
}

void nk_sha256_init(nk_sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof(iv));
    s->bytes = 0;
    s->used = 0;
}

void nk_sha256_update(nk_sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->bytes += len;
    while (len > 0) {
        size_t n = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->buf + s->used, p, n);
        s->used += n;
        p += n;
        len -= n;
        if (s->used == 64) {
            compress(s, s->buf);
            s->used = 0;
        }
    }
}

void nk_sha256_final(nk_sha256 *s, uint8_t out[NK_SHA256_LEN])
{
    uint64_t bits = s->bytes * 8;
    uint8_t pad = 0x80, zero = 0;
    nk_sha256_update(s, &pad, 1);
    while (s->used != 56)
        nk_sha256_update(s, &zero, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    nk_sha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}
