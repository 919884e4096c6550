/* `nook exec`: runc's flags, the command line after the container id. */
#include <stdlib.h>

#include "commands/args.h"
#include "util/cleanup.h"
#include "exec.h"

typedef struct exec_flags {
    const char *process, *console_socket, *pid_file, *cwd, *user, *apparmor, *label, *cgroup;
    nk_strlist env, gids, caps;
    bool detach, tty, no_new_privs, ignore_paused, no_subreaper;
    int preserve_fds;
} exec_flags;

static void exec_flags_free(exec_flags *f)
{
    nk_strlist_free(&f->env);
    nk_strlist_free(&f->gids);
    nk_strlist_free(&f->caps);
}

static int cmd_exec(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    __attribute__((cleanup(exec_flags_free))) exec_flags f = {0};
    const nk_flag flags[] = {
        {"console-socket", NULL, NK_FLAG_STRING, &f.console_socket, NULL,
         "path to an AF_UNIX socket that receives the pseudoterminal master fd"},
        {"cwd", NULL, NK_FLAG_STRING, &f.cwd, NULL, "current working directory in the container"},
        {"env", "e", NK_FLAG_STRINGS, &f.env, NULL, "set environment variables (KEY=VALUE)"},
        {"tty", "t", NK_FLAG_BOOL, &f.tty, NULL, "allocate a pseudo-TTY"},
        {"user", "u", NK_FLAG_STRING, &f.user, NULL, "UID (format: <uid>[:<gid>])"},
        {"additional-gids", "g", NK_FLAG_STRINGS, &f.gids, NULL, "additional gids"},
        {"process", "p", NK_FLAG_STRING, &f.process, NULL,
         "path to the process.json (an OCI process object)"},
        {"detach", "d", NK_FLAG_BOOL, &f.detach, NULL, "detach from the container's process"},
        {"pid-file", NULL, NK_FLAG_STRING, &f.pid_file, NULL, "write the process id to this file"},
        {"process-label", NULL, NK_FLAG_STRING, &f.label, NULL,
         "set the SELinux label of the process"},
        {"apparmor", NULL, NK_FLAG_STRING, &f.apparmor, NULL,
         "set the AppArmor profile of the process"},
        {"no-new-privs", NULL, NK_FLAG_BOOL, &f.no_new_privs, NULL,
         "set the no new privileges value for the process"},
        {"cap", "c", NK_FLAG_STRINGS, &f.caps, NULL,
         "add a capability to the bounding, effective and permitted sets (never inheritable)"},
        {"preserve-fds", NULL, NK_FLAG_INT, &f.preserve_fds, NULL,
         "pass N more file descriptors to the process (after stdio)"},
        {"cgroup", NULL, NK_FLAG_STRING, &f.cgroup, NULL,
         "run in a sub-cgroup of the container: path or controller:path"},
        {"ignore-paused", NULL, NK_FLAG_BOOL, &f.ignore_paused, NULL,
         "allow exec in a paused container"},
        {"no-subreaper", NULL, NK_FLAG_BOOL, &f.no_subreaper, NULL, NULL},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    _cleanup_free_ char *abs_socket = NULL, *abs_pid_file = NULL;
    if (f.process == NULL && args.n < 2)
        return nk_err(err, 0, "\"exec\" requires a minimum of 2 argument(s)");
    if ((f.console_socket != NULL && nk_abs_path(f.console_socket, &abs_socket, err) < 0) ||
        (f.pid_file != NULL && nk_abs_path(f.pid_file, &abs_pid_file, err) < 0))
        return -1;
    nk_exec_opts o = {
        .id = args.v[0],
        .process_file = f.process,
        .args = args.v + 1,
        .n_args = args.n - 1,
        .detach = f.detach,
        .tty = f.tty,
        .console_socket = abs_socket,
        .pid_file = abs_pid_file,
        .cwd = f.cwd,
        .env = f.env.v,
        .n_env = f.env.n,
        .user = f.user,
        .additional_gids = f.gids.v,
        .n_additional_gids = f.gids.n,
        .caps = f.caps.v,
        .n_caps = f.caps.n,
        .preserve_fds = f.preserve_fds,
        .no_new_privs = f.no_new_privs,
        .apparmor = f.apparmor,
        .process_label = f.label,
        .cgroup = f.cgroup,
        .ignore_paused = f.ignore_paused,
    };
    int status = 0;
    if (nk_container_exec(ctx, &o, &status, err) < 0)
        return -1;
    return status;
}

const nk_command nk_cmd_exec = {
    .name = "exec",
    .summary = "execute a new process inside the container",
    .args_usage = "<container-id> <command> [command options]  ||  -p process.json <container-id>",
    .description =
        "   Runs a new process in the namespaces and cgroup of a running container, set up\n"
        "like its init unless a flag says otherwise. Without --detach nook forwards signals\n"
        "to it and exits with its status (128+N when killed by signal N).",
    .min_args = 1,
    .max_args = -1,
    .stop_at_positional = true,
    .run = cmd_exec,
};
