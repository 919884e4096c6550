/* Entering a running container: every namespace of its init that differs
 * from ours. With a pidfd (5.8+) one setns() joins them all atomically and
 * the kernel orders them (user namespace first); otherwise the /proc/<pid>/ns
 * files are opened up front (our /proc changes once the mount namespace is
 * joined) and joined user first. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "util/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const proc_names[OCI_NS_COUNT] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
    [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",     [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

/* user first: the others are owned by it and need its capabilities */
static const oci_ns_type join_order[] = {OCI_NS_USER,    OCI_NS_CGROUP, OCI_NS_IPC,  OCI_NS_UTS,
                                         OCI_NS_NETWORK, OCI_NS_PID,    OCI_NS_TIME, OCI_NS_MOUNT};

static bool same_ns(pid_t pid, oci_ns_type t)
{
    char theirs[64], ours[64];
    struct stat a, b;
    snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, proc_names[t]);
    snprintf(ours, sizeof(ours), "/proc/self/ns/%s", proc_names[t]);
    /* a kernel without this namespace type: nothing to join */
    if (stat(theirs, &a) < 0 || stat(ours, &b) < 0)
        return true;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int join(pid_t pid, int pidfd, int only, nk_error **err)
{
    int flags = 0;
    bool differ[OCI_NS_COUNT] = {0};
    for (int t = 0; t < OCI_NS_COUNT; t++)
        if ((only & nk_ns_clone_flag((oci_ns_type)t)) && !same_ns(pid, (oci_ns_type)t)) {
            differ[t] = true;
            flags |= nk_ns_clone_flag((oci_ns_type)t);
        }
    if (flags == 0)
        return 0;
    if (pidfd >= 0 && setns(pidfd, flags) == 0)
        return 0;
    if (pidfd >= 0 && errno != EINVAL && errno != EBADF)
        return nk_err(err, errno, "join the namespaces of container process %d", (int)pid);

    int fds[OCI_NS_COUNT];
    for (int t = 0; t < OCI_NS_COUNT; t++)
        fds[t] = -1;
    int ret = 0;
    for (int t = 0; t < OCI_NS_COUNT && ret == 0; t++) {
        if (!differ[t])
            continue;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, proc_names[t]);
        if ((fds[t] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            ret = nk_err(err, errno, "open `%s`", path);
    }
    for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]) && ret == 0; i++) {
        oci_ns_type t = join_order[i];
        if (fds[t] >= 0 && setns(fds[t], nk_ns_clone_flag(t)) < 0)
            ret = nk_err(err, errno, "join %s namespace", oci_ns_type_name(t));
    }
    for (int t = 0; t < OCI_NS_COUNT; t++)
        nk_closep(&fds[t]);
    return ret;
}

int nk_ns_join_process(pid_t pid, int pidfd, nk_error **err)
{
    return join(pid, pidfd, ~0, err);
}

int nk_ns_join_for_children(pid_t pid, int pidfd, nk_ns_saved *saved, nk_error **err)
{
    saved->pid_fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
    saved->time_fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
    if (saved->pid_fd < 0) {
        nk_ns_restore_for_children(saved);
        return nk_err(err, errno, "open /proc/self/ns/pid_for_children");
    }
    if (join(pid, pidfd, CLONE_NEWPID | CLONE_NEWTIME, err) < 0) {
        nk_ns_restore_for_children(saved);
        return -1;
    }
    return 0;
}

void nk_ns_restore_for_children(nk_ns_saved *saved)
{
    /* back to our own: nothing else nook (or a sanitizer's helper thread)
     * starts may land in the container */
    if (saved->pid_fd >= 0)
        (void)setns(saved->pid_fd, CLONE_NEWPID);
    if (saved->time_fd >= 0)
        (void)setns(saved->time_fd, CLONE_NEWTIME);
    nk_closep(&saved->pid_fd);
    nk_closep(&saved->time_fd);
}
