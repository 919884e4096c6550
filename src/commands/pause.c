/* `nook pause`: freeze every process of the container. */
#include "commands/args.h"
#include "container_ops.h"

static int cmd_pause(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    return nk_container_pause(ctx, args.v[0], err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_pause = {
    .name = "pause",
    .summary = "suspend all processes inside the container",
    .args_usage = "<container-id>",
    .description = "   Freezes the container's cgroup (cgroup v2 cgroup.freeze, v1 freezer) and\n"
                   "returns once the kernel reports every process frozen; `state` then says\n"
                   "paused. `nook resume` thaws it.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_pause,
};
