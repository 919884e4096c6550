/* linux.readonlyPaths: each path bound onto itself read-only, by fd (after
 * pivot_root the container's /proc must not be trusted, see
 * masked_paths.c). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
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
    /* A detached recursive clone, made read-only all the way down, then
     * attached over the original: the flags it already had (nosuid,
     * nodev...) stay, since mount_setattr only adds what it is told. */
    _cleanup_close_ int tree = nk_clone_mount(fd, true);
    if (tree < 0)
        return nk_err(err, errno, "bind `%s` onto itself", path);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
        return nk_err(err, errno, "make `%s` read-only", path);
    if (nk_attach_mount(tree, fd) < 0)
        return nk_err(err, errno, "mount the read-only `%s`", path);
    return 0;
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
