/* SHA-256 (FIPS 180-4), for the compiled-filter cache's keys and checksums. */
#ifndef NOOK_SECCOMP_SHA256_H
#define NOOK_SECCOMP_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NK_SHA256_LEN 32

typedef struct nk_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t buf[64];
    size_t used;
} nk_sha256;

/* Set by tests to use the portable rounds where the CPU has SHA extensions. */
extern bool nk_sha256_portable_only;

void nk_sha256_init(nk_sha256 *s);
void nk_sha256_update(nk_sha256 *s, const void *data, size_t len);
void nk_sha256_final(nk_sha256 *s, uint8_t out[NK_SHA256_LEN]);

#endif
