/* From one nook process to a container init in its namespaces.
 *
 * Fast path (only new namespaces): a single clone3() with every CLONE_NEW*
 * flag; the kernel creates the user namespace first, so the others are owned
 * by it. Slow path (a namespace joined by path, or time offsets): an
 * intermediate child joins and unshares in the order the kernel needs, then
 * forks init (new pid/time namespaces only apply to children) and exits; init
 * is reparented to nook, which is a child subreaper. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "util/cleanup.h"
#include "util/proc.h"
#include "util/fault.h"
#include "util/sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int clone_flags[OCI_NS_COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

int nk_ns_clone_flag(oci_ns_type type)
{
    return type < OCI_NS_COUNT ? clone_flags[type] : 0;
}

unsigned long nk_ns_new_flags(const oci_config *c)
{
    unsigned long flags = 0;
    for (size_t i = 0; i < c->linux.n_namespaces; i++)
        if (c->linux.namespaces[i].path == NULL)
            flags |= (unsigned long)nk_ns_clone_flag(c->linux.namespaces[i].type);
    return flags;
}

static pid_t clone3_fork(unsigned long flags, int cgroup_fd, int *pidfd)
{
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (pidfd != NULL) {
        args.flags |= CLONE_PIDFD;
        args.pidfd = (uint64_t)(uintptr_t)pidfd;
    }
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    long ret = syscall(SYS_clone3, &args, sizeof(args));
    if (ret < 0 && errno == ENOSYS && cgroup_fd < 0) {
        /* pre-5.3 kernels: the classic fork-style clone does the same */
        ret = syscall(SYS_clone, (flags & ~(unsigned long)CLONE_PIDFD) | SIGCHLD, 0, 0, 0, 0);
        if (ret >= 0 && pidfd != NULL)
            *pidfd = -1;
    }
    return (pid_t)ret;
}

static int open_joined(nk_spawn *s, nk_error **err)
{
    const oci_linux *l = &s->config->linux;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        const oci_namespace *ns = &l->namespaces[i];
        if (ns->path == NULL)
            continue;
        int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return nk_err(err, errno, "linux.namespaces[%zu].path: open `%s`", i, ns->path);
        s->ns_fds[ns->type] = fd;
    }
    return 0;
}

static _Noreturn void init_main(nk_spawn *s)
{
    nk_error *err = NULL;
    nk_sync_msg msg;
    if (s->sync_parent >= 0)
        close(s->sync_parent);
    NK_FAULT_POINT("init.before_go");
    if (!s->wait_go || nk_sync_expect(s->sync_child, NK_SYNC_GO, &msg, &err) == 0) {
        if (s->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
            nk_err(&err, errno, "unshare cgroup namespace");
        else
            s->fn(s->arg, &err);
    }
    nk_sync_send_error(s->sync_child, err);
    _exit(1);
}

static int join(nk_spawn *s, oci_ns_type type, nk_error **err)
{
    if (s->ns_fds[type] < 0)
        return 0;
    if (setns(s->ns_fds[type], nk_ns_clone_flag(type)) < 0)
        return nk_err(err, errno, "join %s namespace", oci_ns_type_name(type));
    return 0;
}

static int intermediate_steps(nk_spawn *s, unsigned long new_flags, nk_error **err)
{
    nk_sync_msg msg;
    /* joined namespaces first, while we still hold the host's privileges:
     * a host-owned netns cannot be joined from inside a new user namespace */
    static const oci_ns_type order[] = {OCI_NS_CGROUP, OCI_NS_IPC,  OCI_NS_UTS,  OCI_NS_NETWORK,
                                        OCI_NS_PID,    OCI_NS_TIME, OCI_NS_MOUNT};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (join(s, order[i], err) < 0)
            return -1;
    if (join(s, OCI_NS_USER, err) < 0)
        return -1;
    if (new_flags & CLONE_NEWUSER) {
        if (unshare(CLONE_NEWUSER) < 0)
            return nk_err(err, errno, "unshare user namespace");
        NK_FAULT_POINT("spawn.intermediate.after_userns");
        if (nk_sync_send(s->sync_child, NK_SYNC_USERMAP, 0, NULL, err) < 0 ||
            nk_sync_expect(s->sync_child, NK_SYNC_GO, &msg, err) < 0)
            return -1;
    }
    if (new_flags & CLONE_NEWTIME) {
        if (unshare(CLONE_NEWTIME) < 0)
            return nk_err(err, errno, "unshare time namespace");
        if (nk_timens_write_offsets(&s->config->linux, err) < 0)
            return -1;
    }
    unsigned long rest = new_flags & ~(unsigned long)(CLONE_NEWUSER | CLONE_NEWTIME);
    if (rest && unshare((int)rest) < 0)
        return nk_err(err, errno, "unshare namespaces");
    NK_FAULT_POINT("spawn.intermediate.after_unshare");
    pid_t pid = clone3_fork(0, -1, NULL);
    if (pid < 0)
        return nk_err(err, errno, "clone init");
    if (pid == 0)
        init_main(s);
    NK_FAULT_POINT("spawn.intermediate.after_fork");
    return nk_sync_send(s->sync_child, NK_SYNC_PID, pid, NULL, err);
}

static _Noreturn void intermediate_main(nk_spawn *s, unsigned long new_flags)
{
    nk_error *err = NULL;
    close(s->sync_parent);
    s->sync_parent = -1;
    if (intermediate_steps(s, new_flags, &err) < 0) {
        nk_sync_send_error(s->sync_child, err);
        _exit(1);
    }
    _exit(0);
}

static int reap(pid_t pid, nk_error **err)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return nk_err(err, errno, "wait for intermediate process");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return nk_err(err, 0, "intermediate process failed");
    return 0;
}

/* Wait for a message from the intermediate process. The init it forked
 * holds the other end of the socket too, so its death shows as no EOF: look
 * at the process itself (without reaping it) while waiting. */
static int wait_message(int fd, pid_t mid, nk_error **err)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        if (poll(&p, 1, 100) > 0)
            return 0;
        siginfo_t si = {0};
        if (waitid(P_PID, (id_t)mid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == mid &&
            poll(&p, 1, 0) <= 0)
            return nk_err(err, 0, "intermediate process exited before init was set up");
    }
}

static int spawn_slow(nk_spawn *s, unsigned long new_flags, nk_error **err)
{
    pid_t mid = clone3_fork(0, s->cgroup_fd, NULL);
    if (mid < 0)
        return nk_err(err, errno, "clone");
    if (mid == 0)
        intermediate_main(s, new_flags);
    NK_FAULT_POINT("spawn.after_intermediate_clone");
    nk_sync_msg msg;
    for (;;) {
        if (wait_message(s->sync_parent, mid, err) < 0 ||
            nk_sync_recv(s->sync_parent, &msg, err) < 0)
            break;
        if (msg.type == NK_SYNC_USERMAP) {
            NK_FAULT_POINT("spawn.slow.before_idmap");
            if (nk_idmap_write(mid, &s->config->linux, err) < 0 ||
                nk_sync_send(s->sync_parent, NK_SYNC_GO, 0, NULL, err) < 0)
                break;
            continue;
        }
        if (msg.type == NK_SYNC_PID && msg.value > 0) {
            s->pid = msg.value;
            NK_FAULT_POINT("spawn.slow.after_pid");
            break;
        }
        if (msg.type == NK_SYNC_ERROR)
            nk_err(err, msg.value, "%s", msg.payload);
        else
            nk_err(err, EBADMSG, "unexpected message %u from intermediate process", msg.type);
        break;
    }
    if (*err != NULL) {
        kill(mid, SIGKILL);
        (void)waitpid(mid, NULL, 0);
        return -1;
    }
    if (reap(mid, err) < 0)
        return -1;
    s->pidfd = nk_pidfd_open(s->pid);
    return 0;
}

int nk_ns_spawn(nk_spawn *s, nk_error **err)
{
    s->pid = -1;
    s->pidfd = -1;
    for (int i = 0; i < OCI_NS_COUNT; i++)
        s->ns_fds[i] = -1;
    if (open_joined(s, err) < 0)
        return -1;
    unsigned long new_flags = nk_ns_new_flags(s->config);
    /* clone3 roots a new cgroup namespace at the parent's cgroup, even with
     * CLONE_INTO_CGROUP: init unshares it itself once it is in its own */
    if ((new_flags & CLONE_NEWCGROUP) && (s->cgroup_fd >= 0 || s->before_go != NULL)) {
        new_flags &= ~(unsigned long)CLONE_NEWCGROUP;
        s->late_cgroupns = true;
    }
    bool slow = (new_flags & CLONE_NEWTIME) &&
                (s->config->linux.time_monotonic.set || s->config->linux.time_boottime.set);
    for (int i = 0; i < OCI_NS_COUNT; i++)
        slow = slow || s->ns_fds[i] >= 0;
    /* CLONE_INTO_CGROUP (or no cgroup) and no id maps: nothing to wait for */
    s->wait_go = slow || (new_flags & CLONE_NEWUSER) || s->before_go != NULL;

    if (slow) {
        if (spawn_slow(s, new_flags, err) < 0)
            return -1;
    } else {
        int pidfd = -1;
        pid_t pid = clone3_fork(new_flags, s->cgroup_fd, &pidfd);
        if (pid < 0)
            return nk_err(err, errno, "clone init into its namespaces");
        if (pid == 0)
            init_main(s);
        s->pid = pid;
        s->pidfd = pidfd;
        NK_FAULT_POINT("spawn.after_clone");
        if ((new_flags & CLONE_NEWUSER) && nk_idmap_write(pid, &s->config->linux, err) < 0)
            return -1;
    }
    if (!s->wait_go)
        return 0;
    NK_FAULT_POINT("spawn.before_go");
    if (s->before_go != NULL && s->before_go(s->pid, s->before_go_arg, err) < 0)
        return -1;
    return nk_sync_send(s->sync_parent, NK_SYNC_GO, 0, NULL, err);
}

void nk_spawn_release(nk_spawn *s)
{
    for (int i = 0; i < OCI_NS_COUNT; i++)
        nk_closep(&s->ns_fds[i]);
    nk_closep(&s->pidfd);
}
