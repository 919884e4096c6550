/* linux.readonlyPaths: bind each onto itself, then remount that bind
 * read-only. Runs after pivot_root. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/safe_path.h"

static int readonly_one(const nk_rootfs_ctx *c, const char *path, nk_error **err)
{
    _cleanup_close_ int fd = nk_safe_open(c->rootfd, path, O_PATH, NULL);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return nk_err(err, errno, "make `%s` read-only", path);
    nk_fd_path self = nk_fd_proc_path(fd);
    if (mount(self.s, self.s, NULL, MS_BIND | MS_REC, NULL) < 0)
        return nk_err(err, errno, "bind `%s` onto itself", path);
    _cleanup_close_ int mnt = nk_target_reopen_mounted(c, path, fd, err);
    if (mnt < 0)
        return -1;
    /* nk_remount_bind keeps nosuid/nodev/noexec the path already had: a
     * read-only /proc/sys must not become exec or dev on the way. */
    return nk_remount_bind(mnt, NULL, MS_RDONLY, 0, path, err);
}

int nk_readonly_paths_apply(const oci_strv *paths, nk_error **err)
{
    if (paths->len == 0)
        return 0;
    _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return nk_err(err, errno, "open `/`");
    nk_rootfs_ctx c = {.rootfd = rootfd, .root = "/"};
    for (size_t i = 0; i < paths->len; i++)
        if (readonly_one(&c, paths->v[i], err) < 0)
            return -1;
    return 0;
}
