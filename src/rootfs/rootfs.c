/* Orchestration of everything under the container's root. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/safe_path.h"

static bool path_has_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 1 && prefix[0] == '/')
        return true;
    return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* pivot_root and MS_MOVE refuse a shared parent mount (it happens with
 * rootfsPropagation "shared"/"rshared"): make just that one mount private. */
static int make_parent_private(const char *rootfs, nk_error **err)
{
    nk_mountinfo *m = NULL;
    size_t n = 0;
    if (nk_mountinfo_read(&m, &n, err) < 0)
        return -1;
    const nk_mountinfo *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (path_has_prefix(rootfs, m[i].mountpoint) &&
            (best == NULL || strlen(m[i].mountpoint) >= strlen(best->mountpoint)))
            best = &m[i];
    int r = 0;
    if (best != NULL && strstr(best->optional, "shared:") != NULL &&
        mount(NULL, best->mountpoint, NULL, MS_PRIVATE, NULL) < 0)
        r = nk_err(err, errno, "make `%s` private", best->mountpoint);
    nk_mountinfo_free(m, n);
    return r;
}

static int rootfs_propagation(const nk_rootfs_opts *o, unsigned long *out, nk_error **err)
{
    const oci_config *cfg = o->config;
    *out = 0;
    if (!cfg->has_linux || cfg->linux.rootfs_propagation == NULL)
        return 0;
    return nk_propagation_parse(cfg->linux.rootfs_propagation, out, err);
}

static int make_cwd(const nk_rootfs_ctx *c, nk_error **err)
{
    const oci_config *cfg = c->o->config;
    if (!cfg->has_process || cfg->process.cwd == NULL)
        return 0;
    _cleanup_close_ int fd = nk_target_open(c, cfg->process.cwd, false, err);
    return fd < 0 ? nk_err_wrap(err, "process.cwd") : 0;
}

int nk_rootfs_prepare(const nk_rootfs_opts *o, nk_error **err)
{
    unsigned long prop;
    if (rootfs_propagation(o, &prop, err) < 0)
        return -1;
    /* Nothing done in here may propagate back to the host (runc's default
     * is rslave too: host mounts still show up, ours never leak out). */
    if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
        return nk_err(err, errno, "set propagation of `/`");
    if (make_parent_private(o->rootfs, err) < 0)
        return -1;
    /* A mount point of its own, which pivot_root requires. */
    if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return nk_err(err, errno, "bind rootfs `%s` onto itself", o->rootfs);
    NK_FAULT_POINT("rootfs.after_bind");
    _cleanup_close_ int rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return nk_err(err, errno, "open rootfs `%s`", o->rootfs);
    nk_rootfs_ctx c = {.o = o, .rootfd = rootfd, .root = o->rootfs};
    if (nk_mounts_setup(&c, err) < 0 || nk_devices_setup(&c, err) < 0 || make_cwd(&c, err) < 0)
        return -1;
    return 0;
}

/* Keeps the flags "/" already has (nosuid, nodev...): in a user namespace
 * the kernel refuses a remount that would drop a locked one. By path, so
 * it works without a /proc in the container. */
static int remount_root_readonly(nk_error **err)
{
    _cleanup_close_ int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nk_err(err, errno, "open `/`");
    if (nk_remount_bind(fd, "/", MS_RDONLY, 0, "/", err) < 0)
        return nk_err_wrap(err, "root.readonly");
    return 0;
}

int nk_rootfs_finalize(const nk_rootfs_opts *o, nk_error **err)
{
    const oci_config *cfg = o->config;
    unsigned long prop;
    if (rootfs_propagation(o, &prop, err) < 0 || nk_pivot_root(o, err) < 0)
        return -1;
    NK_FAULT_POINT("rootfs.after_pivot");
    /* before readonlyPaths makes /proc/sys read-only */
    if (nk_sysctl_apply(cfg, err) < 0)
        return -1;
    if (cfg->has_linux && (nk_readonly_paths_apply(&cfg->linux.readonly_paths, err) < 0 ||
                           nk_masked_paths_apply(&cfg->linux.masked_paths, err) < 0))
        return -1;
    if (cfg->root.readonly && remount_root_readonly(err) < 0)
        return -1;
    if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
        return nk_err(err, errno, "set propagation of `/` to `%s`", cfg->linux.rootfs_propagation);
    if (chdir("/") < 0)
        return nk_err(err, errno, "chdir to `/`");
    return 0;
}
