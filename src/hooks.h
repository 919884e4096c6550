/* OCI hooks: a host (or container) program run with the container's state
 * JSON on stdin, exactly hook.env as its environment, hook.args as argv, and
 * killed after hook.timeout seconds. */
#ifndef NOOK_HOOKS_H
#define NOOK_HOOKS_H

#include <sys/types.h>

#include "context.h"
#include "oci/config.h"
#include "util/error.h"

/* The state JSON a hook reads: runc's fields for this config. */
char *nk_hook_state(const oci_config *c, const char *id, const char *status, pid_t pid,
                    const char *bundle);

/* Runs the hooks of one kind in order; the first failure (non-zero exit,
 * death by signal, timeout, exec error) stops them and is returned naming
 * hooks.<kind>[i]. */
int nk_hooks_run(const oci_hook_list *l, const char *kind, const char *state, nk_error **err);

/* One hook; idx only names it in errors. */
int nk_hook_run(const oci_hook *h, const char *kind, size_t idx, const char *state, nk_error **err);

/* container_hooks.c: the ones nook runs on the host. prestart then
 * createRuntime, with init's host pid; the first failure fails create. */
int nk_hooks_create_runtime(const oci_config *c, const char *id, pid_t pid, const char *bundle,
                            nk_error **err);
/* Failures are logged as warnings and the rest still run. */
void nk_hooks_poststart(const nk_context *ctx, const oci_config *c, const char *id, pid_t pid,
                        const char *bundle);
void nk_hooks_poststop(const nk_context *ctx, const oci_config *c, const char *id,
                       const char *bundle);

#endif
