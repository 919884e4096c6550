/* Running one OCI hook. stdin and the captured output are memfds, so a hook
 * that never reads stdin cannot block nook and one that writes a lot cannot
 * fill a pipe; the wait is on a pidfd so hook.timeout is exact. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oci/state_json.h"
#include "process.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/proc.h"

char *nk_hook_state(const oci_config *c, const char *id, const char *status, pid_t pid,
                    const char *bundle)
{
    nk_state s = {0};
    s.oci_version = c->oci_version;
    s.id = (char *)id;
    s.pid = pid;
    s.status = (char *)status;
    s.bundle = (char *)bundle;
    s.annotations = c->annotations;
    s.owner = "";
    char *json = NULL;
    size_t len = 0;
    nk_error *e = NULL;
    if (oci_state_to_json(&s, false, false, &json, &len, &e) < 0) {
        nk_error_free(e);
        return NULL;
    }
    return json;
}

static _Noreturn void hook_child(const oci_hook *h, int in, int out)
{
    nk_process_reset_signals();
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(127);
    char *fallback_argv[] = {h->path, NULL};
    char *empty_env[] = {NULL};
    execve(h->path, h->args.len > 0 ? h->args.v : fallback_argv,
           h->env.v != NULL ? h->env.v : empty_env);
    dprintf(2, "exec `%s`: %s", h->path, strerror(errno));
    _exit(127);
}

/* Waits up to timeout_s (0: forever); false when it ran out. */
static bool wait_hook(pid_t pid, int timeout_s, int *status)
{
    _cleanup_close_ int pidfd = nk_pidfd_open(pid);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return true;
        long left = -1;
        if (timeout_s > 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            left = timeout_s * 1000L -
                   ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L);
            if (left <= 0)
                return false;
        }
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};
            (void)poll(&p, 1, (int)left);
        } else {
            usleep(5000);
        }
    }
}

static void read_output(int fd, char *buf, size_t size)
{
    ssize_t n = pread(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    /* one line in the error: trailing newline off, inner ones as spaces */
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = p[1] ? ' ' : '\0';
}

int nk_hook_run(const oci_hook *h, const char *kind, size_t idx, const char *state, nk_error **err)
{
    _cleanup_close_ int in = memfd_create("nook-hook-state", MFD_CLOEXEC);
    _cleanup_close_ int out = memfd_create("nook-hook-output", MFD_CLOEXEC);
    if (in < 0 || out < 0)
        return nk_err(err, errno, "hooks.%s[%zu]: memfd_create", kind, idx);
    if (nk_write_all(in, state, strlen(state)) < 0 || lseek(in, 0, SEEK_SET) < 0)
        return nk_err(err, errno, "hooks.%s[%zu]: write the state", kind, idx);
    pid_t pid = fork();
    if (pid < 0)
        return nk_err(err, errno, "hooks.%s[%zu]: fork", kind, idx);
    if (pid == 0)
        hook_child(h, in, out);
    int status = 0;
    if (!wait_hook(pid, h->has_timeout ? h->timeout : 0, &status)) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return nk_err(err, ETIMEDOUT, "hooks.%s[%zu]: `%s` timed out after %d seconds", kind, idx,
                      h->path, h->timeout);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char output[512];
    read_output(out, output, sizeof(output));
    if (WIFSIGNALED(status))
        return nk_err(err, 0, "hooks.%s[%zu]: `%s` killed by signal %d%s%s", kind, idx, h->path,
                      WTERMSIG(status), output[0] ? ": " : "", output);
    return nk_err(err, 0, "hooks.%s[%zu]: `%s` exited with status %d%s%s", kind, idx, h->path,
                  WEXITSTATUS(status), output[0] ? ": " : "", output);
}

int nk_hooks_run(const oci_hook_list *l, const char *kind, const char *state, nk_error **err)
{
    for (size_t i = 0; i < l->len; i++)
        if (nk_hook_run(&l->items[i], kind, i, state, err) < 0)
            return -1;
    return 0;
}
