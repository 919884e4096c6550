/* Mounting onto fds that were resolved inside the rootfs and re-checked
 * (SECURITY.md rule 2, CVE-2021-30465): a path is looked up once, safely, and
 * mount(2) is then pointed at /proc/self/fd/N, so a symlink swapped in after
 * the check cannot redirect the mount. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/safe_path.h"

/* The kernel reports it in f_flag since 5.10; glibc 2.36 lacks the name. */
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

int nk_target_open(const nk_rootfs_ctx *c, const char *dest, bool file, nk_error **err)
{
    _cleanup_close_ int fd = file ? nk_safe_create_file(c->rootfd, dest, 0644, err)
                                  : nk_safe_mkdir_all(c->rootfd, dest, 0755, err);
    if (fd < 0)
        return -1;
    if (nk_fd_check_beneath(fd, c->root, dest, err) < 0)
        return -1;
    return NK_TAKE_FD(fd);
}

static int mount_id(int fd, uint64_t *id)
{
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
        return -1;
    if (!(sx.stx_mask & STATX_MNT_ID)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    *id = sx.stx_mnt_id;
    return 0;
}

int nk_target_reopen_mounted(const nk_rootfs_ctx *c, const char *dest, int before_fd,
                             nk_error **err)
{
    /* The O_PATH fd we mounted onto still names the covered directory, not
     * the new mount: remount/propagation through it would hit the parent
     * mount (the rootfs itself). */
    _cleanup_close_ int fd = nk_safe_open(c->rootfd, dest, O_PATH, err);
    if (fd < 0)
        return -1;
    if (nk_fd_check_beneath(fd, c->root, dest, err) < 0)
        return -1;
    uint64_t before, after;
    if (mount_id(before_fd, &before) < 0 || mount_id(fd, &after) < 0)
        return nk_err(err, errno, "statx `%s`", dest);
    if (before == after)
        return nk_err(err, EXDEV, "`%s` is not the mount just made there: changed under us", dest);
    return NK_TAKE_FD(fd);
}

static unsigned long statvfs_to_ms(unsigned long f)
{
    static const struct {
        unsigned long st, ms;
    } map[] = {
        {ST_RDONLY, MS_RDONLY},
        {ST_NOSUID, MS_NOSUID},
        {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},
        {ST_NOATIME, MS_NOATIME},
        {ST_NODIRATIME, MS_NODIRATIME},
        {ST_RELATIME, MS_RELATIME},
        {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
        {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW},
    };
    unsigned long ms = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (f & map[i].st)
            ms |= map[i].ms;
    return ms;
}

int nk_remount_bind(int mntfd, const char *target, unsigned long flags, unsigned long clear,
                    const char *what, nk_error **err)
{
    struct statvfs sv;
    if (fstatvfs(mntfd, &sv) < 0)
        return nk_err(err, errno, "statfs `%s`", what);
    const unsigned long atime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;
    unsigned long keep = statvfs_to_ms(sv.f_flag) & ~clear;
    /* A remount without atime flags would reset them to relatime; one
     * atime mode asked for replaces the existing one. */
    if (flags & atime)
        keep &= ~atime;
    flags &= ~(MS_BIND | MS_REC | MS_REMOUNT);
    nk_fd_path self = nk_fd_proc_path(mntfd);
    if (mount(NULL, target ? target : self.s, NULL, MS_REMOUNT | MS_BIND | flags | keep, NULL) < 0)
        return nk_err(err, errno, "remount `%s`", what);
    return 0;
}

int nk_clone_mount(int fd, bool recursive)
{
    return (int)syscall(SYS_open_tree, fd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                            (recursive ? AT_RECURSIVE : 0));
}

int nk_fresh_mount(const char *fstype, unsigned attrs)
{
    _cleanup_close_ int fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
    if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
}

int nk_attach_mount(int tree, int target)
{
    return (int)syscall(SYS_move_mount, tree, "", target, "",
                        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

bool nk_mount_opts_recursive(const nk_mount_opts *mo)
{
    return mo->rec_set != 0 || mo->rec_clr != 0;
}

int nk_setattr_recursive(int mntfd, const nk_mount_opts *mo, const char *what, nk_error **err)
{
    if (!nk_mount_opts_recursive(mo))
        return 0;
    struct mount_attr attr = {.attr_set = mo->rec_set, .attr_clr = mo->rec_clr};
    if (syscall(SYS_mount_setattr, mntfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
        0)
        return nk_err(err, errno, "set recursive mount attributes of `%s`", what);
    return 0;
}

int nk_mount_finish(const nk_rootfs_ctx *c, int target, const char *dest, const nk_mount_opts *mo,
                    const char *what, nk_error **err)
{
    bool remount = (mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
    if (!remount && mo->n_propagation == 0 && !nk_mount_opts_recursive(mo))
        return 0;
    _cleanup_close_ int mnt = nk_target_reopen_mounted(c, dest, target, err);
    if (mnt < 0)
        return nk_err_wrap(err, "%s", what);
    if (remount && nk_remount_bind(mnt, NULL, mo->flags, mo->clear, dest, err) < 0)
        return -1;
    if (nk_setattr_recursive(mnt, mo, dest, err) < 0)
        return -1;
    return nk_apply_propagation(mnt, mo, dest, err);
}

int nk_apply_propagation(int mntfd, const nk_mount_opts *mo, const char *what, nk_error **err)
{
    for (size_t i = 0; i < mo->n_propagation; i++)
        if (mount(NULL, nk_fd_proc_path(mntfd).s, NULL, mo->propagation[i], NULL) < 0)
            return nk_err(err, errno, "set propagation of `%s`", what);
    return 0;
}

int nk_bind_mount(const nk_rootfs_ctx *c, const char *src, const char *dest, bool recursive,
                  const nk_mount_opts *mo, const char *what, nk_error **err)
{
    /* The source is chosen by the trusted config (or is a verified fd), so
     * following its symlinks on the host is intended. */
    struct stat st;
    if (stat(src, &st) < 0)
        return nk_err(err, errno, "%s: bind source `%s`", what, src);
    _cleanup_close_ int target = nk_target_open(c, dest, !S_ISDIR(st.st_mode), err);
    if (target < 0)
        return nk_err_wrap(err, "%s", what);
    unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
    if (mount(src, nk_fd_proc_path(target).s, NULL, flags, NULL) < 0)
        return nk_err(err, errno, "mount `%s` to `%s`", src, dest);
    return nk_mount_finish(c, target, dest, mo, what, err);
}
