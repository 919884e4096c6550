/* nook's entry point: global flags, the command table, one place that prints
 * errors and picks the exit status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cloned_binary.h"
#include "commands/args.h"
#include "cgroups/cgroups.h"
#include "commands/commands.h"
#include "log.h"
#include "seccomp/seccomp.h"

#ifndef NOOK_VERSION
#define NOOK_VERSION "unknown"
#endif
#ifndef NOOK_COMMIT
#define NOOK_COMMIT "unknown"
#endif
#define NOOK_SPEC_VERSION "1.3.0"
#define NOOK_DEFAULT_ROOT "/run/nook"

static const nk_command nk_cmd_help;

/* Alphabetical, as `nook help` lists them (help last). */
static const nk_command *const commands[] = {
    &nk_cmd_checkpoint, &nk_cmd_create, &nk_cmd_delete, &nk_cmd_events, &nk_cmd_exec,
    &nk_cmd_features,   &nk_cmd_kill,   &nk_cmd_list,   &nk_cmd_pause,  &nk_cmd_ps,
    &nk_cmd_restore,    &nk_cmd_resume, &nk_cmd_run,    &nk_cmd_spec,   &nk_cmd_start,
    &nk_cmd_state,      &nk_cmd_update, &nk_cmd_help,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const nk_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(commands[i]->name, name) == 0 ||
            (commands[i]->alias != NULL && strcmp(commands[i]->alias, name) == 0))
            return commands[i];
    }
    return NULL;
}

static void print_version(void)
{
    /* libseccomp's run-time version, as runc reports it (the library a
     * filter is actually built with). */
    const char *v = nk_seccomp_lib_version();
    printf("nook version %s\ncommit: %s\nspec: %s\n", NOOK_VERSION, NOOK_COMMIT, NOOK_SPEC_VERSION);
    if (v != NULL)
        printf("libseccomp: %s\n", v);
}

static void print_global_help(void)
{
    printf("NAME:\n"
           "   nook - an Open Container Initiative runtime\n"
           "\n"
           "nook runs containers from OCI bundles: a directory holding config.json (the\n"
           "runtime-spec configuration) and the root filesystem it names. Its command line\n"
           "follows runc's, so containerd, podman and CRI-O can use it in runc's place.\n"
           "\n"
           "To run a container:\n"
           "\n"
           "    # nook run [ -b bundle ] <container-id>\n"
           "\n"
           "The bundle defaults to the current directory; <container-id> must be unique\n"
           "under the state root.\n"
           "\n"
           "USAGE:\n"
           "   nook [global options] command [command options] [arguments...]\n"
           "\n"
           "VERSION:\n"
           "   %s\n"
           "\n"
           "COMMANDS:\n",
           NOOK_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const nk_command *c = commands[i];
        char names[64];
        snprintf(names, sizeof(names), "%s%s%s", c->name, c->alias != NULL ? ", " : "",
                 c->alias != NULL ? c->alias : "");
        printf("   %-12s%s%s\n", names, c->summary, c->run == NULL ? " (not implemented yet)" : "");
    }
    printf("\n"
           "GLOBAL OPTIONS:\n"
           "   --debug             enable debug logging\n"
           "   --log value         write nook's log to this file (default: stderr)\n"
           "   --log-format value  'text' (default) or 'json'\n"
           "   --root value        directory for container state, best on tmpfs (default: "
           "\"" NOOK_DEFAULT_ROOT "\")\n"
           "   --criu value        accepted for compatibility with runc, unused\n"
           "   --systemd-cgroup    use the systemd cgroup driver (not supported yet)\n"
           "   --cgroup-manager value  'cgroupfs' (default), 'systemd' (not supported yet) or\n"
           "                       'disabled': no cgroup, for configs without linux.resources\n"
           "   --rootless value    ignore cgroup permission errors: 'true', 'false' or 'auto' "
           "(default: \"auto\")\n"
           "   --help, -h          show help\n"
           "   --version, -v       print the version\n");
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ||
            strcmp(argv[i], "-help") == 0 || strcmp(argv[i], "--h") == 0)
            return true;
    }
    return false;
}

static int cmd_help(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    if (args.n == 0) {
        print_global_help();
        return 0;
    }
    const nk_command *c = find_command(args.v[0]);
    if (c == NULL)
        return nk_err(err, 0, "no help topic for \"%s\"", args.v[0]);
    if (c->run == NULL || c == cmd) {
        nk_args_print_usage(stdout, c, NULL);
        return 0;
    }
    char *help_argv[] = {(char *)c->name, (char *)"--help", NULL};
    return c->run(ctx, c, 2, help_argv, err);
}

static const nk_command nk_cmd_help = {
    .name = "help",
    .alias = "h",
    .summary = "show the list of commands or the help of one command",
    .args_usage = "[command]",
    .min_args = 0,
    .max_args = 1,
    .run = cmd_help,
};

static int run_command(nk_context *ctx, int argc, char **argv, nk_error **err)
{
    const nk_command *cmd = find_command(argv[0]);
    if (cmd == NULL)
        return nk_err(err, 0, "unknown command \"%s\" (see `nook help`)", argv[0]);
    if (cmd->run == NULL) {
        if (wants_help(argc, argv)) {
            nk_args_print_usage(stdout, cmd, NULL);
            return 0;
        }
        return nk_err(err, 0,
                      "\"%s\" is not implemented in this version of nook (see spec/FEATURES.md)",
                      cmd->name);
    }
    nk_debug(ctx, "nook %s: command %s, root %s", NOOK_VERSION, cmd->name, ctx->root);
    return cmd->run(ctx, cmd, argc, argv, err);
}

/* Fills ctx from the flags before the command; *cmd_index is where the
 * command's own argv starts (argc when there is none). */
static int parse_global(nk_context *ctx, int argc, char **argv, int *cmd_index, bool *version,
                        nk_error **err)
{
    const char *log_format = "text", *criu = NULL, *manager = NULL;
    const nk_flag flags[] = {
        {"debug", NULL, NK_FLAG_BOOL, &ctx->debug, NULL, NULL},
        {"log", NULL, NK_FLAG_STRING, &ctx->log_path, NULL, NULL},
        {"log-format", NULL, NK_FLAG_STRING, &log_format, NULL, NULL},
        {"root", NULL, NK_FLAG_STRING, &ctx->root, NULL, NULL},
        {"criu", NULL, NK_FLAG_STRING, &criu, NULL, NULL},
        {"systemd-cgroup", NULL, NK_FLAG_BOOL, &ctx->systemd_cgroup, NULL, NULL},
        {"rootless", NULL, NK_FLAG_TRISTATE, &ctx->rootless, NULL, NULL},
        {"cgroup-manager", NULL, NK_FLAG_STRING, &manager, NULL, NULL},
        {"version", "v", NK_FLAG_BOOL, version, NULL, NULL},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(NULL, flags, argc, argv, &args, err);
    if (r != 0)
        return r;
    if (strcmp(log_format, "json") == 0)
        ctx->log_format = NK_LOG_JSON;
    else if (strcmp(log_format, "text") == 0)
        ctx->log_format = NK_LOG_TEXT;
    else
        return nk_err(err, 0, "invalid log-format: %s", log_format);
    if (manager == NULL || strcmp(manager, "cgroupfs") == 0)
        ;
    else if (strcmp(manager, "systemd") == 0)
        ctx->systemd_cgroup = true;
    else if (strcmp(manager, "disabled") == 0)
        ctx->cgroups_disabled = true;
    else
        return nk_err(err, 0,
                      "--cgroup-manager: unknown manager \"%s\" (cgroupfs, systemd, disabled)",
                      manager);
    if (ctx->root[0] == '\0')
        return nk_err(err, 0, "--root must not be empty");
    /* The positionals are argv's tail in order: global parsing stops at the
     * first one. */
    *cmd_index = argc - args.n;
    return 0;
}

int main(int argc, char **argv)
{
    nk_context ctx = {
        .argv0 = argv[0],
        .root = NOOK_DEFAULT_ROOT,
        .log_format = NK_LOG_TEXT,
        .rootless = -1,
        .log_fd = -1,
    };
    _cleanup_error_ nk_error *err = NULL;
    bool version = false;
    int cmd_index = argc;

    /* a container sharing the host's pid namespace must not open nook's
     * /proc/<pid>/exe or fds either (SECURITY.md rule 5). Rootless nook
     * writes its child's uid/gid maps through /proc/<pid>, which the kernel
     * refuses for a non-dumpable child: there init turns it off itself once
     * the maps are written (nk_process_enter). */
    if (geteuid() == 0)
        (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    int r = parse_global(&ctx, argc, argv, &cmd_index, &version, &err);
    if (r == NK_ARGS_HELP) {
        print_global_help();
        return 0;
    }
    if (r < 0) {
        nk_log_error(&ctx, err);
        return 1;
    }
    if (version) {
        print_version();
        return 0;
    }
    if (cmd_index >= argc) {
        print_global_help();
        return 0;
    }
    nk_cgroup_set_state_root(ctx.root);
    /* the commands that put a nook process into a container's namespaces */
    const char *name = argv[cmd_index];
    if ((strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0) &&
        nk_reexec_from_sealed_copy(argv, &err) < 0) {
        nk_log_error(&ctx, err);
        return 1;
    }
    if (nk_log_open(&ctx, &err) < 0) {
        nk_log_error(&ctx, err);
        return 1;
    }

    r = run_command(&ctx, argc - cmd_index, argv + cmd_index, &err);
    if (fflush(stdout) != 0 && r >= 0)
        r = nk_err(&err, errno, "write standard output");
    if (r < 0) {
        nk_log_error(&ctx, err);
        r = 1;
    }
    if (ctx.log_fd >= 0)
        close(ctx.log_fd);
    return r > 255 ? 255 : r;
}
