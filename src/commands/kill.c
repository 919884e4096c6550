/* `nook kill`: send a signal to a container's init, or with --all to every
 * process in it. */
#include "commands/args.h"
#include "container.h"
#include "util/signals.h"

#include <signal.h>

static int cmd_kill(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    bool all = false;
    const nk_flag flags[] = {
        {"all", "a", NK_FLAG_BOOL, &all, NULL,
         "signal every process in the container, not only its init"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    int sig = SIGTERM;
    if (args.n > 1 && nk_signal_parse(args.v[1], &sig, err) < 0)
        return -1;
    return nk_container_kill(ctx, args.v[0], sig, all, err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_kill = {
    .name = "kill",
    .summary = "send a signal (default: SIGTERM) to the container's init process",
    .args_usage = "<container-id> [signal]",
    .description =
        "   [signal] is a name with or without the SIG prefix in any case (KILL, sigusr1,\n"
        "RTMIN+2) or a number from 1 to 64. For example `nook kill web KILL`.",
    .min_args = 1,
    .max_args = 2,
    .run = cmd_kill,
};
