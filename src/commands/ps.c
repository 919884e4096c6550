/* `nook ps`: the processes of a container. --format json prints the bare
 * array of pids containerd's shim parses; table runs ps(1) on the host and
 * keeps the header and the container's lines, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands/args.h"
#include "container_ops.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
    for (size_t i = 0; i < n; i++) {
        if (pids[i] == pid)
            return true;
    }
    return false;
}

/* Output of `ps ARGS...` (default -ef), with stdin closed. */
static int run_ps(char **ps_args, int n_args, char **out, nk_error **err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return nk_err(err, errno, "pipe");
    char **argv = xcalloc((size_t)n_args + 3, sizeof(char *));
    argv[0] = "ps";
    if (n_args == 0)
        argv[1] = "-ef";
    for (int i = 0; i < n_args; i++)
        argv[i + 1] = ps_args[i];
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        execvp("ps", argv);
        _exit(127);
    }
    free(argv);
    close(pipefd[1]);
    _cleanup_close_ int rd = pipefd[0];
    if (pid < 0)
        return nk_err(err, errno, "fork");
    size_t len = 0;
    int ret = nk_read_fd(rd, out, &len, err);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        ret = nk_err(err, 0, "ps: %s",
                     WIFEXITED(status) && WEXITSTATUS(status) == 127
                         ? "executable file not found in $PATH"
                         : "exited with an error");
    return ret;
}

/* Column of "PID" in ps's header. */
static int pid_column(const char *header, nk_error **err)
{
    _cleanup_free_ char *copy = xstrdup(header);
    char *save = NULL;
    int col = 0;
    for (char *f = strtok_r(copy, " \t", &save); f; f = strtok_r(NULL, " \t", &save), col++) {
        if (strcmp(f, "PID") == 0)
            return col;
    }
    return nk_err(err, 0, "couldn't find PID field in ps output");
}

static long field_at(const char *line, int col)
{
    _cleanup_free_ char *copy = xstrdup(line);
    char *save = NULL;
    char *f = strtok_r(copy, " \t", &save);
    for (int i = 0; f != NULL && i < col; i++)
        f = strtok_r(NULL, " \t", &save);
    if (f == NULL)
        return -1;
    char *end;
    long v = strtol(f, &end, 10);
    return *end == '\0' ? v : -1;
}

static int print_table(const pid_t *pids, size_t n, char **ps_args, int n_args, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (run_ps(ps_args, n_args, &text, err) < 0)
        return -1;
    char *save = NULL;
    char *header = strtok_r(text, "\n", &save);
    if (header == NULL)
        return nk_err(err, 0, "ps printed nothing");
    int col = pid_column(header, err);
    if (col < 0)
        return -1;
    printf("%s\n", header);
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (has_pid(pids, n, field_at(line, col)))
            printf("%s\n", line);
    }
    return 0;
}

static int cmd_ps(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const char *format = "table";
    const nk_flag flags[] = {
        {"format", "f", NK_FLAG_STRING, &format, "value", "select one of: table or json"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "table") != 0)
        return nk_err(err, 0, "invalid format option");
    if (json && args.n > 1)
        return nk_err(err, 0, "ps options are not supported with --format json");

    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    if (nk_container_pids(ctx, args.v[0], &pids, &n, err) < 0)
        return -1;
    if (!json)
        return print_table(pids, n, args.v + 1, args.n - 1, err) < 0 ? -1 : 0;
    _cleanup_free_ char *out = NULL;
    size_t len = 0;
    if (oci_pids_to_json(pids, n, &out, &len, err) < 0)
        return -1;
    printf("%s\n", out);
    return 0;
}

const nk_command nk_cmd_ps = {
    .name = "ps",
    .summary = "display the processes running inside a container",
    .args_usage = "<container-id> [ps options]",
    .description =
        "   --format table (the default) runs ps(1) with [ps options] (default -ef) and\n"
        "prints its header and the lines of the container's processes. --format json\n"
        "prints the container's pids as a JSON array: [1234,1240].",
    .min_args = 1,
    .max_args = -1,
    .stop_at_positional = true,
    .run = cmd_ps,
};
