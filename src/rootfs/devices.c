/* /dev: the default nodes, the standard symlinks, linux.devices. All of it
 * relative to a /dev dirfd checked not to be a symlink: an image whose /dev
 * points elsewhere must not steer where nodes and links are made
 * (CVE-2026-41579, CVE-2026-47766). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/safe_path.h"
#include "util/xalloc.h"

typedef struct default_dev {
    const char *name;
    unsigned major, minor;
} default_dev;

static const default_dev default_devs[] = {
    {"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

typedef struct dev_node {
    const char *path; /* in the container, and on the host for the bind */
    mode_t type;      /* S_IFCHR, S_IFBLK, S_IFIFO */
    dev_t rdev;
    mode_t mode;
    bool chown;
    uid_t uid;
    gid_t gid;
} dev_node;

static bool path_is(const char *path, const char *want)
{
    size_t n = strlen(want);
    if (strncmp(path, want, n) != 0)
        return false;
    while (path[n] == '/')
        n++;
    return path[n] == '\0';
}

bool nk_dev_needs_setup(const oci_config *cfg)
{
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        const oci_mount *m = &cfg->mounts[i];
        if (!path_is(m->destination, "/dev"))
            continue;
        if (m->type != NULL && strcmp(m->type, "bind") == 0)
            return false;
        for (size_t j = 0; j < m->options.len; j++)
            if (strcmp(m->options.v[j], "bind") == 0 || strcmp(m->options.v[j], "rbind") == 0)
                return false;
    }
    return true;
}

static int open_dev_dir(const nk_rootfs_ctx *c, nk_error **err)
{
    _cleanup_close_ int fd = nk_safe_open(c->rootfd, "/dev", O_PATH | O_NOFOLLOW, NULL);
    if (fd < 0 && errno == ENOENT)
        return nk_target_open(c, "/dev", false, err);
    if (fd < 0)
        return nk_err(err, errno, "open `/dev` in the container root");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return nk_err(err, errno, "stat `/dev`");
    if (S_ISLNK(st.st_mode))
        return nk_err(err, 0, "refusing to set up `/dev`: it is a symlink in the rootfs");
    if (!S_ISDIR(st.st_mode))
        return nk_err(err, 0, "refusing to set up `/dev`: not a directory");
    if (nk_fd_check_beneath(fd, c->root, "/dev", err) < 0)
        return -1;
    return NK_TAKE_FD(fd);
}

/* A user namespace may not mknod devices: the host's node is bound onto an
 * empty file instead, like runc. */
static int bind_host_node(const nk_rootfs_ctx *c, int dirfd, const char *name, const dev_node *d,
                          nk_error **err)
{
    if (mknodat(dirfd, name, S_IFREG | 0600, 0) < 0 && errno != EEXIST)
        return nk_err(err, errno, "create `%s`", d->path);
    _cleanup_close_ int target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0)
        return nk_err(err, errno, "open `%s`", d->path);
    struct stat st;
    if (fstat(target, &st) < 0)
        return nk_err(err, errno, "stat `%s`", d->path);
    if (!S_ISREG(st.st_mode))
        return nk_err(err, EEXIST, "`%s` exists and is not a regular file", d->path);
    if (nk_fd_check_beneath(target, c->root, d->path, err) < 0)
        return -1;
    if (mount(d->path, nk_fd_proc_path(target).s, NULL, MS_BIND, NULL) < 0)
        return nk_err(err, errno, "mount `%s` to `%s`", d->path, d->path);
    return 0;
}

static int make_node(const nk_rootfs_ctx *c, int dirfd, const char *name, const dev_node *d,
                     nk_error **err)
{
    if (c->o->userns && d->type != S_IFIFO)
        return bind_host_node(c, dirfd, name, d, err);
    /* The mode must be exactly the one asked for, not filtered by umask. */
    mode_t old = umask(0);
    int r = mknodat(dirfd, name, d->type | d->mode, d->rdev);
    bool config_mount = false;
    if (r < 0 && errno == EEXIST) {
        /* Whatever the image put there (a symlink to a host file, a
         * regular file) is replaced, never reused. A mount point there
         * came from the trusted config's mounts and stays. */
        if (unlinkat(dirfd, name, 0) == 0)
            r = mknodat(dirfd, name, d->type | d->mode, d->rdev);
        else if (errno == EBUSY)
            config_mount = true;
    }
    umask(old);
    if (config_mount)
        return 0;
    if (r < 0)
        return nk_err(err, errno, "mknod `%s`", d->path);
    if (d->chown && fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return nk_err(err, errno, "chown `%s`", d->path);
    return 0;
}

static bool config_has_device(const oci_config *cfg, const char *path)
{
    for (size_t i = 0; cfg->has_linux && i < cfg->linux.n_devices; i++)
        if (path_is(cfg->linux.devices[i].path, path))
            return true;
    return false;
}

static int default_nodes(const nk_rootfs_ctx *c, int devfd, nk_error **err)
{
    for (size_t i = 0; i < sizeof(default_devs) / sizeof(default_devs[0]); i++) {
        _cleanup_free_ char *path = xasprintf("/dev/%s", default_devs[i].name);
        if (config_has_device(c->o->config, path))
            continue;
        dev_node d = {
            .path = path,
            .type = S_IFCHR,
            .rdev = makedev(default_devs[i].major, default_devs[i].minor),
            .mode = 0666,
        };
        if (make_node(c, devfd, default_devs[i].name, &d, err) < 0)
            return -1;
    }
    return 0;
}

static int dev_symlinks(const nk_rootfs_ctx *c, int devfd, nk_error **err)
{
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
            return nk_err(err, errno, "symlink `/dev/%s`", links[i][1]);
    /* Only where the config mounted a procfs: a dangling link helps nobody. */
    _cleanup_close_ int kcore = nk_safe_open(c->rootfd, "/proc/kcore", O_PATH, NULL);
    if (kcore >= 0 && symlinkat("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
        return nk_err(err, errno, "symlink `/dev/core`");
    /* CVE-2025-52565: the pty is bound over /dev/console by path inside
     * the root; an image symlink there would steer that mount elsewhere
     * (a procfs file). A plain file or node is bound over as it is. */
    struct stat st;
    if (fstatat(devfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
        unlinkat(devfd, "console", 0) < 0)
        return nk_err(err, errno, "remove the image's `/dev/console` symlink");
    /* The pts instance mounted with newinstance has its own ptmx; the
     * image's (or the host's) must not be the one the container opens. */
    if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
        return nk_err(err, errno, "remove `/dev/ptmx`");
    if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
        return nk_err(err, errno, "symlink `/dev/ptmx`");
    return 0;
}

static mode_t device_type(char t)
{
    switch (t) {
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default: /* 'c' and 'u' (unbuffered) are both character devices */
        return S_IFCHR;
    }
}

static int config_device(const nk_rootfs_ctx *c, int devfd, const oci_device *od, nk_error **err)
{
    dev_node d = {
        .path = od->path,
        .type = device_type(od->type),
        .rdev = od->type == 'p' ? 0 : makedev((unsigned)od->major, (unsigned)od->minor),
        .mode = od->has_file_mode ? (od->file_mode & 07777) : 0666,
        /* In a user namespace the node is the host's, bound in: chowning
         * it would chown the host's device. */
        .chown = !c->o->userns,
        .uid = od->has_uid ? od->uid : 0,
        .gid = od->has_gid ? od->gid : 0,
    };
    _cleanup_free_ char *dir_copy = xstrdup(od->path);
    _cleanup_free_ char *base_copy = xstrdup(od->path);
    const char *dir = dirname(dir_copy);
    const char *base = basename(base_copy);
    if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return nk_err(err, 0, "linux.devices: bad path `%s`", od->path);
    /* Under /dev, resolve inside the verified /dev itself. */
    _cleanup_close_ int parent = -1;
    if (strncmp(dir, "/dev", 4) == 0 && (dir[4] == '\0' || dir[4] == '/'))
        parent = nk_safe_mkdir_all(devfd, dir + 4, 0755, err);
    else
        parent = nk_safe_mkdir_all(c->rootfd, dir, 0755, err);
    if (parent < 0 || nk_fd_check_beneath(parent, c->root, dir, err) < 0)
        return nk_err_wrap(err, "linux.devices `%s`", od->path);
    return make_node(c, parent, base, &d, err);
}

int nk_devices_setup(const nk_rootfs_ctx *c, nk_error **err)
{
    const oci_config *cfg = c->o->config;
    bool setup = nk_dev_needs_setup(cfg);
    size_t n = cfg->has_linux ? cfg->linux.n_devices : 0;
    if (!setup && n == 0)
        return 0;
    _cleanup_close_ int devfd = open_dev_dir(c, err);
    if (devfd < 0)
        return -1;
    if (setup && (default_nodes(c, devfd, err) < 0 || dev_symlinks(c, devfd, err) < 0))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (config_device(c, devfd, &cfg->linux.devices[i], err) < 0)
            return -1;
    return 0;
}
