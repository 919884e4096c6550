/* `nook start`: release a created container's process. */
#include "commands/args.h"
#include "container.h"

static int cmd_start(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    return nk_container_start(ctx, args.v[0], err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_start = {
    .name = "start",
    .summary = "run the user process of a created container",
    .args_usage = "<container-id>",
    .description = "   Lets the process of a container made by `nook create` exec the program\n"
                   "named in config.json. Fails unless the container's status is \"created\".",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_start,
};
