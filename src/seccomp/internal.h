/* Shared inside src/seccomp/ only. */
#ifndef NOOK_SECCOMP_INTERNAL_H
#define NOOK_SECCOMP_INTERNAL_H

#include "seccomp/seccomp.h"

#define NK_BPF_INSN_SIZE                   8    /* sizeof(struct sock_filter) */
#define NK_BPF_MAX_INSNS                   4096 /* BPF_MAXINSNS */
#define NK_SECCOMP_FLAG_WAIT_KILLABLE_RECV (1UL << 5)

/* The profile as BPF, straight from libseccomp (no cache). */
int nk_seccomp_compile(const oci_seccomp *sc, void **insns, size_t *len, nk_error **err);
/* The same, chaining per-architecture programs only while they fit in max
 * instructions (the kernel's limit; tests pass less to reach the fallback). */
int nk_seccomp_compile_max(const oci_seccomp *sc, size_t max, void **insns, size_t *len,
                           nk_error **err);
/* linux.seccomp.flags as SECCOMP_FILTER_FLAG_* bits this kernel takes. */
int nk_seccomp_flags(const oci_seccomp *sc, bool notify, unsigned *out, nk_error **err);

/* The compiled-BPF cache under <root>/.seccomp-cache: 0 and a program on a
 * verified hit, -1 on a miss or anything suspicious (the caller compiles).
 * put is best effort: a cache that cannot be written costs only time. */
int nk_seccomp_cache_get(const char *root, const oci_seccomp *sc, void **insns, size_t *len);
void nk_seccomp_cache_put(const char *root, const oci_seccomp *sc, const void *insns, size_t len);

#endif
