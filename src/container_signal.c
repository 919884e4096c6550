#include "container_signal.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/proc.h"

void nk_forwarded_signals(sigset_t *set)
{
    sigfillset(set);
    /* synchronous faults must stay deliverable to nook itself */
    static const int keep[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE,
                               SIGILL,  SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        sigdelset(set, keep[i]);
}

/* A pidfd taken after the start-time check could name a new process if the
 * pid was reused in between: check again once the pidfd pins it. */
static int open_checked(pid_t pid, uint64_t start_time, nk_error **err)
{
    int fd = nk_pidfd_open(pid);
    if (fd < 0 && errno != ENOSYS && errno != ESRCH)
        return nk_err(err, errno, "pidfd_open %d", (int)pid);
    if (!nk_proc_is_alive(pid, start_time)) {
        if (fd >= 0)
            close(fd);
        return nk_err(err, 0, "container not running");
    }
    return fd;
}

static int send_to(pid_t pid, int pidfd, int sig)
{
    if (pidfd >= 0)
        return nk_pidfd_send_signal(pidfd, sig);
    return kill(pid, sig);
}

static int read_ns_link(pid_t pid, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
    ssize_t n = readlink(path, buf, size - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* Without a cgroup, the pid namespace is what tells the container's
 * processes apart from the host's. */
static int signal_pidns(pid_t init, const char *ns, int sig)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return -1;
    struct dirent *de;
    while ((de = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == init)
            continue;
        char link[64];
        _cleanup_close_ int fd = nk_pidfd_open((pid_t)pid);
        if (fd < 0 || read_ns_link((pid_t)pid, link, sizeof(link)) < 0 || strcmp(link, ns) != 0)
            continue;
        (void)nk_pidfd_send_signal(fd, sig);
    }
    closedir(proc);
    return 0;
}

int nk_signal_container(pid_t pid, uint64_t start_time, bool whole_pidns, int sig, nk_error **err)
{
    _cleanup_close_ int fd = open_checked(pid, start_time, err);
    if (fd < 0 && *err != NULL)
        return -1;
    if (whole_pidns) {
        char ns[64];
        if (read_ns_link(pid, ns, sizeof(ns)) == 0)
            signal_pidns(pid, ns, sig);
    }
    if (send_to(pid, fd, sig) < 0) {
        if (errno == ESRCH)
            return nk_err(err, 0, "container not running");
        return nk_err(err, errno, "kill %d", (int)pid);
    }
    return 0;
}

int nk_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

int nk_wait_forwarding(pid_t pid, int pidfd, const sigset_t *set, int *exit_status, nk_error **err)
{
    _cleanup_close_ int sfd = signalfd(-1, set, SFD_CLOEXEC);
    if (sfd < 0)
        return nk_err(err, errno, "signalfd");
    for (;;) {
        /* reap first: SIGCHLD may have been merged with an earlier one */
        int status;
        pid_t r;
        while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
            if (r == pid) {
                *exit_status = nk_exit_code(status);
                /* orphans reparented to us after init: reap without waiting */
                while (waitpid(-1, NULL, WNOHANG) > 0)
                    ;
                return 0;
            }
        }
        if (r < 0 && errno == ECHILD)
            return nk_err(err, ECHILD, "wait for container init %d", (int)pid);
        struct signalfd_siginfo si;
        ssize_t n = read(sfd, &si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof(si))
            return nk_err(err, errno, "read signalfd");
        if (si.ssi_signo != SIGCHLD)
            (void)send_to(pid, pidfd, (int)si.ssi_signo);
    }
}

int nk_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms, nk_error **err)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    _cleanup_close_ int fd = nk_pidfd_open(pid);
    for (;;) {
        if (!nk_proc_is_alive(pid, start_time))
            return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= timeout_ms)
            return nk_err(err, ETIMEDOUT, "process %d did not exit", (int)pid);
        if (fd >= 0) {
            /* a pidfd becomes readable when the process exits */
            struct pollfd p = {.fd = fd, .events = POLLIN};
            (void)poll(&p, 1, (int)(timeout_ms - elapsed));
        } else {
            usleep(1000);
        }
    }
}
