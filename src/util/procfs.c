#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define PROC_ROOT_INO 1

static int is_procfs(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static int fresh_instance(void)
{
    _cleanup_close_ int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    /* no pids but our own would do too, but sysctls need "all" */
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int nk_procfs_open(int fallback_root, nk_error **err)
{
    int fd = fresh_instance();
    if (fd >= 0)
        return fd;
    int saved = errno;
    _cleanup_close_ int clone =
        (int)syscall(SYS_open_tree, fallback_root, "proc",
                     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
    if (clone < 0)
        return nk_err(err, saved, "open a private procfs");
    struct stat st;
    if (!is_procfs(clone) || fstat(clone, &st) < 0 || st.st_ino != PROC_ROOT_INO)
        return nk_err(err, saved, "open a private procfs: `/proc` is not the root of a procfs");
    return NK_TAKE_FD(clone);
}

int nk_procfs_open_at(int procfd, const char *rel, int flags, nk_error **err)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
    };
    _cleanup_close_ int fd = (int)syscall(SYS_openat2, procfd, rel, &how, sizeof(how));
    if (fd < 0)
        return nk_err(err, errno, "open `/proc/%s`", rel);
    if (!is_procfs(fd))
        return nk_err(err, EXDEV, "`/proc/%s` is not on procfs", rel);
    return NK_TAKE_FD(fd);
}

int nk_procfs_write(int procfd, const char *rel, const char *text, nk_error **err)
{
    _cleanup_close_ int fd = nk_procfs_open_at(procfd, rel, O_WRONLY, err);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n;
    do
        n = write(fd, text, len);
    while (n < 0 && errno == EINTR);
    if (n < 0 || (size_t)n != len)
        return nk_err(err, n < 0 ? errno : EIO, "write `/proc/%s`", rel);
    return 0;
}
