/* `nook resume`: thaw a paused container. */
#include "commands/args.h"
#include "container_ops.h"

static int cmd_resume(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    return nk_container_resume(ctx, args.v[0], err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_resume = {
    .name = "resume",
    .summary = "resume all processes that have been paused",
    .args_usage = "<container-id>",
    .description = "   Thaws a container frozen by `nook pause`.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_resume,
};
