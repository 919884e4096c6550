/* Which hooks run where in the lifecycle nook drives from the host (the
 * runtime namespace). createContainer and startContainer run in init. A
 * failing prestart/createRuntime hook fails create; poststart and poststop
 * failures are warnings (runtime-spec config.md, lifecycle steps 9 and 13). */
#include <stdlib.h>

#include "hooks.h"
#include "log.h"
#include "util/cleanup.h"

int nk_hooks_create_runtime(const oci_config *c, const char *id, pid_t pid, const char *bundle,
                            nk_error **err)
{
    _cleanup_free_ char *state = nk_hook_state(c, id, "creating", pid, bundle);
    if (state == NULL)
        return nk_err(err, 0, "hooks: cannot render the state");
    if (nk_hooks_run(&c->hooks.prestart, "prestart", state, err) < 0)
        return -1;
    return nk_hooks_run(&c->hooks.create_runtime, "createRuntime", state, err);
}

static void run_warning(const nk_context *ctx, const oci_hook_list *l, const char *kind,
                        const char *state)
{
    for (size_t i = 0; i < l->len; i++) {
        nk_error *e = NULL;
        if (nk_hook_run(&l->items[i], kind, i, state, &e) < 0)
            nk_warn(ctx, "%s", nk_error_text(e));
        nk_error_free(e);
    }
}

void nk_hooks_poststart(const nk_context *ctx, const oci_config *c, const char *id, pid_t pid,
                        const char *bundle)
{
    if (c == NULL || c->hooks.poststart.len == 0)
        return;
    _cleanup_free_ char *state = nk_hook_state(c, id, "running", pid, bundle);
    if (state != NULL)
        run_warning(ctx, &c->hooks.poststart, "poststart", state);
}

void nk_hooks_poststop(const nk_context *ctx, const oci_config *c, const char *id,
                       const char *bundle)
{
    if (c == NULL || c->hooks.poststop.len == 0)
        return;
    _cleanup_free_ char *state = nk_hook_state(c, id, "stopped", 0, bundle);
    if (state != NULL)
        run_warning(ctx, &c->hooks.poststop, "poststop", state);
}
