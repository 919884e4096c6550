/* `nook state`: the container's state as runc prints it. */
#include <stdio.h>

#include "commands/args.h"
#include "container.h"
#include "util/cleanup.h"

static int cmd_state(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    _cleanup_state_ nk_state *st = NULL;
    if (nk_container_state(ctx, args.v[0], &st, err) < 0)
        return -1;
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (oci_state_to_json(st, false, true, &json, &len, err) < 0)
        return -1;
    fwrite(json, 1, len, stdout);
    if (len == 0 || json[len - 1] != '\n')
        fputc('\n', stdout);
    return 0;
}

const nk_command nk_cmd_state = {
    .name = "state",
    .summary = "output the state of a container",
    .args_usage = "<container-id>",
    .description = "   Prints the container's state as JSON: id, pid, status (created, running,\n"
                   "paused or stopped), bundle, rootfs, created, annotations and owner.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_state,
};
