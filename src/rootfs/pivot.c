/* Switching the process's root to the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"

/* --no-pivot, for a root that cannot be pivoted (an initramfs): move the
 * rootfs over "/" and chroot into it. Weaker than pivot_root, since the
 * old root stays mounted underneath, which is why it is opt-in. */
static int move_root(const char *rootfs, nk_error **err)
{
    _cleanup_close_ int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0)
        return nk_err(err, errno, "open rootfs `%s`", rootfs);
    if (fchdir(newroot) < 0)
        return nk_err(err, errno, "chdir to `%s`", rootfs);
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
        return nk_err(err, errno, "move `%s` to `/`", rootfs);
    if (chroot(".") < 0)
        return nk_err(err, errno, "chroot to `%s`", rootfs);
    return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one at "/",
 * which saves creating a put_old directory inside a hostile rootfs. */
static int pivot(const char *rootfs, nk_error **err)
{
    _cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        return nk_err(err, errno, "open `/`");
    _cleanup_close_ int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0)
        return nk_err(err, errno, "open rootfs `%s`", rootfs);
    if (fchdir(newroot) < 0)
        return nk_err(err, errno, "chdir to `%s`", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return nk_err(err, errno, "pivot_root to `%s`", rootfs);
    if (fchdir(oldroot) < 0)
        return nk_err(err, errno, "chdir to the old root");
    /* Slave first: detaching a shared old root would propagate the
     * unmount back to the host's mount namespace. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return nk_err(err, errno, "make the old root slave");
    if (umount2(".", MNT_DETACH) < 0)
        return nk_err(err, errno, "unmount the old root");
    return 0;
}

int nk_pivot_root(const nk_rootfs_opts *o, nk_error **err)
{
    if ((o->no_pivot ? move_root(o->rootfs, err) : pivot(o->rootfs, err)) < 0)
        return -1;
    if (chdir("/") < 0)
        return nk_err(err, errno, "chdir to `/`");
    return 0;
}
