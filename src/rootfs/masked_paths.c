/* linux.maskedPaths: files get the container's /dev/null bound over them,
 * directories an empty read-only tmpfs. Runs after pivot_root, so every
 * mount is made by fd with the new mount API: a /proc/self/fd/N path would
 * now go through the container's /proc, which the image may have faked
 * (CVE-2025-52881). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/safe_path.h"

/* CVE-2025-31133: an image (or a racer) that makes /dev/null a symlink to
 * /proc/sys/kernel/core_pattern would get that file bound, writable, over
 * every masked path. /dev/null is opened once without following links,
 * proven to be the null device, and bound from that very fd. */
static int open_dev_null(int rootfd, nk_error **err)
{
    _cleanup_close_ int fd = nk_safe_open(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, err);
    if (fd < 0)
        return nk_err_wrap(err, "mask paths");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return nk_err(err, errno, "stat `/dev/null`");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        return nk_err(err, 0, "mask paths: `/dev/null` is not the null device (char 1:3)");
    return NK_TAKE_FD(fd);
}

static int mask_one(int rootfd, int devnull, const char *path, nk_error **err)
{
    _cleanup_close_ int fd = nk_safe_open(rootfd, path, O_PATH, NULL);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return nk_err(err, errno, "mask `%s`", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return nk_err(err, errno, "stat `%s`", path);
    _cleanup_close_ int tree = S_ISDIR(st.st_mode) ? nk_fresh_mount("tmpfs", MOUNT_ATTR_RDONLY)
                                                   : nk_clone_mount(devnull, false);
    if (tree < 0 || nk_attach_mount(tree, fd) < 0)
        return nk_err(err, errno, "mask `%s`", path);
    return 0;
}

int nk_masked_paths_apply(const oci_strv *paths, nk_error **err)
{
    if (paths->len == 0)
        return 0;
    _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return nk_err(err, errno, "open `/`");
    _cleanup_close_ int devnull = open_dev_null(rootfd, err);
    if (devnull < 0)
        return -1;
    for (size_t i = 0; i < paths->len; i++)
        if (mask_one(rootfd, devnull, paths->v[i], err) < 0)
            return -1;
    return 0;
}
