/* SECURITY.md rule 5: nook's binary is never reachable writable through
 * /proc/<pid>/exe of a process the container can see. */
#ifndef NOOK_CLONED_BINARY_H
#define NOOK_CLONED_BINARY_H

#include <stdbool.h>

#include "util/error.h"

/* /proc/self/exe is a memfd with the write/grow/shrink/seal seals. */
bool nk_is_cloned_binary(void);

/* Unless already running from one: copy /proc/self/exe into a sealed memfd
 * and execve it with the same argv and environment. Returns only when
 * nothing was to be done (0) or on failure. */
int nk_reexec_from_sealed_copy(char **argv, nk_error **err);

#endif
