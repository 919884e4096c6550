/* One-off work in a forked child whose memory must not stay with nook.
 * libseccomp's compile (~0.45 MiB of heap, and its code) happens once per
 * state root and profile, on the first container; glibc keeps freed heap
 * mapped, so done in nook itself it would stay resident for as long as a
 * foreground `run` waits on its container. The child's pages go when it
 * exits. */
#ifndef NOOK_UTIL_IN_CHILD_H
#define NOOK_UTIL_IN_CHILD_H

#include <stddef.h>

#include "util/error.h"

/* Fills *out (malloc'ed, *len bytes) or err. Runs in the child. */
typedef int (*nk_child_fn)(void *arg, void **out, size_t *len, nk_error **err);

/* fn's result, copied back through a pipe (*out is malloc'ed and
 * NUL-terminated past *len). fn's error comes back with its errno and
 * message; what names the work in errors about the child itself. */
int nk_run_in_child(const char *what, nk_child_fn fn, void *arg, void **out, size_t *len,
                    nk_error **err);

#endif
