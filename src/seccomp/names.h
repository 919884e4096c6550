/* OCI seccomp names -> libseccomp/kernel values (internal to src/seccomp/). */
#ifndef NOOK_SECCOMP_NAMES_H
#define NOOK_SECCOMP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const char *const nk_seccomp_action_names[];   /* sorted, NULL-terminated */
extern const char *const nk_seccomp_operator_names[]; /* sorted, NULL-terminated */

/* SCMP_ACT_* -> libseccomp action; ERRNO/TRACE take errno_ret (EPERM when
 * absent). -1 for an unknown name. */
int nk_seccomp_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out);
int nk_seccomp_operator(const char *name, int *out);
/* SCMP_ARCH_* -> libseccomp's arch token; 0 when this libseccomp lacks it. */
uint32_t nk_seccomp_arch(const char *name);
int nk_seccomp_flag(const char *name, unsigned long *out);
bool nk_seccomp_kernel_has_flag(unsigned long flag);
size_t nk_seccomp_known_archs(const char **out, size_t max);
size_t nk_seccomp_flag_names(const char **out, size_t max, bool only_supported);

#endif
