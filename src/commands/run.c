/* `nook run`: create + start + wait; nook's exit status is the container's. */
#include "commands/create_flags.h"

static int cmd_run(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    _cleanup_create_flags_ nk_create_flags cf = {0};
    bool detach = false, keep = false, no_subreaper = false;
    nk_flag flags[NK_CREATE_NFLAGS + 4] = {{0}};
    nk_create_flags_table(&cf, flags);
    flags[NK_CREATE_NFLAGS] = (nk_flag){"detach", "d",  NK_FLAG_BOOL,
                                        &detach,  NULL, "detach from the container's process"};
    flags[NK_CREATE_NFLAGS + 1] = (nk_flag){
        "keep", NULL, NK_FLAG_BOOL, &keep, NULL, "do not delete the container after it exits"};
    /* go-runc passes -no-subreaper. nook stays a subreaper regardless: an init
     * forked by an intermediate process must come back to it to be waited for. */
    flags[NK_CREATE_NFLAGS + 2] =
        (nk_flag){"no-subreaper", NULL, NK_FLAG_BOOL,
                  &no_subreaper,  NULL, "accepted for compatibility with runc (ignored)"};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    nk_create_opts o;
    if (nk_create_flags_to_opts(ctx, &cf, args.v[0], &o, err) < 0)
        return -1;
    o.detach = detach;
    o.keep = keep;
    int status = 0;
    if (nk_container_run(ctx, &o, &status, err) < 0)
        return -1;
    return status;
}

const nk_command nk_cmd_run = {
    .name = "run",
    .summary = "create and run a container",
    .args_usage = "<container-id>",
    .description =
        "   Creates the container described by the bundle's config.json, starts it, waits\n"
        "for it to exit and deletes it; nook exits with the container's exit status (128+N\n"
        "when it was killed by signal N). With --detach nook returns once the container runs.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_run,
};
