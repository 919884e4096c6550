/* linux.seccomp through libseccomp: the only place libseccomp is used. */
#ifndef NOOK_SECCOMP_SECCOMP_H
#define NOOK_SECCOMP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "oci/json_write.h"
#include "util/error.h"

/* The runtime-spec features document's "seccomp" object (the value; the
 * caller writes the key): enabled, actions, operators, archs, knownFlags,
 * supportedFlags (probed on this kernel). */
void nk_seccomp_features_write(jw *w);

/* libseccomp's run-time version as "major.minor.micro", NULL when unknown. */
const char *nk_seccomp_lib_version(void);

#endif
