/* `nook delete`: remove a container and everything it holds. */
#include "commands/args.h"
#include "container.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int cmd_delete(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    bool force = false;
    const nk_flag flags[] = {
        {"force", "f", NK_FLAG_BOOL, &force, NULL,
         "delete the container even if it is still running (kills it with SIGKILL)"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    /* Like runc, --force on a container that does not exist succeeds quietly:
     * podman and the containerd shim call it to clean up after a failed create. */
    if (force && nk_validate_id(args.v[0], NULL) == 0) {
        _cleanup_free_ char *dir = xasprintf("%s/%s", ctx->root, args.v[0]);
        if (faccessat(AT_FDCWD, dir, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
            return 0;
    }
    return nk_container_delete(ctx, args.v[0], force, err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_delete = {
    .name = "delete",
    .summary = "delete a container and the resources it holds",
    .args_usage = "<container-id>",
    .description = "   Removes a stopped or created container: its cgroup, its state and what is\n"
                   "left of its processes. A running container needs --force.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_delete,
};
