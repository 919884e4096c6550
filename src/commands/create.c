/* `nook create`: set a container up and leave its process waiting for start. */
#include "commands/create_flags.h"

static int cmd_create(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    _cleanup_create_flags_ nk_create_flags cf = {0};
    nk_flag flags[NK_CREATE_NFLAGS + 1] = {{0}};
    nk_create_flags_table(&cf, flags);
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    nk_create_opts o;
    if (nk_create_flags_to_opts(ctx, &cf, args.v[0], &o, err) < 0)
        return -1;
    return nk_container_create(ctx, &o, err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_create = {
    .name = "create",
    .summary = "create a container",
    .args_usage = "<container-id>",
    .description =
        "   Sets up the container described by the bundle's config.json (namespaces,\n"
        "rootfs) and leaves its process waiting; `nook start <container-id>` runs the\n"
        "user program. <container-id> names the container and must be unique under --root.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_create,
};
