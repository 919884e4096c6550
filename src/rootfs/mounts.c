/* The config's "mounts", in order, each onto a target resolved inside the
 * rootfs (SECURITY.md rules 1-2). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/safe_path.h"
#include "util/xalloc.h"

static bool type_is(const oci_mount *m, const char *type)
{
    return m->type != NULL && strcmp(m->type, type) == 0;
}

static bool is_bind(const oci_mount *m, const nk_mount_opts *mo)
{
    return mo->bind || type_is(m, "bind");
}

/* CVE-2019-19921 / CVE-2023-28642: an image that makes /proc a symlink (or
 * a file) gets procfs mounted somewhere the runtime's later /proc writes do
 * not expect. Only a real directory, or a missing one we create, will do. */
static int proc_target_open(const nk_rootfs_ctx *c, const char *dest, nk_error **err)
{
    _cleanup_close_ int fd = nk_safe_open(c->rootfd, dest, O_PATH | O_NOFOLLOW, NULL);
    if (fd < 0 && errno == ENOENT)
        return nk_target_open(c, dest, false, err);
    if (fd < 0)
        return nk_err(err, errno, "open `%s` in the container root", dest);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return nk_err(err, errno, "stat `%s`", dest);
    if (S_ISLNK(st.st_mode))
        return nk_err(err, 0, "refusing to mount proc on `%s`: it is a symlink", dest);
    if (!S_ISDIR(st.st_mode))
        return nk_err(err, 0, "refusing to mount proc on `%s`: not a directory", dest);
    if (nk_fd_check_beneath(fd, c->root, dest, err) < 0)
        return -1;
    return NK_TAKE_FD(fd);
}

/* mount_setattr(2) on a whole tree: a plain bind remount changes only the
 * top mount, and a read-only /sys whose submounts stay writable is what
 * CVE-2023-25809 was about. */
static int setattr_recursive(int mntfd, unsigned long flags, const char *dest, nk_error **err)
{
    struct mount_attr attr = {0};
    if (flags & MS_RDONLY)
        attr.attr_set |= MOUNT_ATTR_RDONLY;
    if (flags & MS_NOSUID)
        attr.attr_set |= MOUNT_ATTR_NOSUID;
    if (flags & MS_NODEV)
        attr.attr_set |= MOUNT_ATTR_NODEV;
    if (flags & MS_NOEXEC)
        attr.attr_set |= MOUNT_ATTR_NOEXEC;
    if (attr.attr_set == 0)
        return 0;
    if (syscall(SYS_mount_setattr, mntfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) <
        0)
        return nk_err(err, errno, "set attributes of `%s` recursively", dest);
    return 0;
}

/* Without its own network namespace a fresh sysfs would show (or be denied,
 * in a user namespace) the host's network devices; runc binds the host's
 * /sys instead, and so do we. */
static int mount_sysfs_bind(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                            const char *what, nk_error **err)
{
    nk_mount_opts plain = *mo;
    plain.n_propagation = 0;
    if (nk_bind_mount(c, "/sys", m->destination, true, &plain, what, err) < 0)
        return -1;
    _cleanup_close_ int fd = nk_safe_open(c->rootfd, m->destination, O_PATH, err);
    if (fd < 0 || nk_fd_check_beneath(fd, c->root, m->destination, err) < 0)
        return -1;
    if (setattr_recursive(fd, mo->flags, m->destination, err) < 0)
        return -1;
    return nk_apply_propagation(fd, mo, m->destination, err);
}

/* linux.mountLabel: the SELinux context of the filesystems nook mounts
 * fresh (validation made sure the host has SELinux). procfs, sysfs and
 * cgroupfs keep the kernel's labels, like runc. */
static char *with_mount_label(const oci_config *cfg, const oci_mount *m, const char *data)
{
    const char *label = cfg->linux.mount_label;
    if (label == NULL || label[0] == '\0' || type_is(m, "proc") || type_is(m, "sysfs") ||
        type_is(m, "cgroup") || type_is(m, "cgroup2"))
        return data != NULL ? xstrdup(data) : NULL;
    return data != NULL ? xasprintf("%s,context=\"%s\"", data, label)
                        : xasprintf("context=\"%s\"", label);
}

static int mount_fresh(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                       const char *what, nk_error **err)
{
    const char *dest = m->destination;
    _cleanup_close_ int target =
        type_is(m, "proc") ? proc_target_open(c, dest, err) : nk_target_open(c, dest, false, err);
    if (target < 0)
        return nk_err_wrap(err, "%s", what);
    const char *src = m->source != NULL ? m->source : m->type;
    unsigned long flags = mo->flags & ~(MS_BIND | MS_REC);
    _cleanup_free_ char *data = with_mount_label(c->o->config, m, mo->data);
    /* Copied into the tmpfs before the read-only flag and the recursive
     * attributes are applied. */
    if (mo->tmpcopyup)
        flags &= ~MS_RDONLY;
    if (mount(src, nk_fd_proc_path(target).s, m->type, flags, data) < 0)
        return nk_err(err, errno, "mount `%s` to `%s`", src, dest);
    if (mo->n_propagation == 0 && !mo->tmpcopyup && !nk_mount_opts_recursive(mo))
        return 0;
    _cleanup_close_ int mnt = nk_target_reopen_mounted(c, dest, target, err);
    if (mnt < 0)
        return nk_err_wrap(err, "%s", what);
    if (mo->tmpcopyup) {
        /* `target` still names the image's directory under the tmpfs */
        if (nk_tmpcopyup(target, mnt, dest, err) < 0)
            return -1;
        if ((mo->flags & MS_RDONLY) && nk_remount_bind(mnt, NULL, MS_RDONLY, 0, dest, err) < 0)
            return -1;
    }
    if (nk_setattr_recursive(mnt, mo, dest, err) < 0)
        return -1;
    return nk_apply_propagation(mnt, mo, dest, err);
}

static int mount_one(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                     int idmap_fd, const char *what, nk_error **err)
{
    if (idmap_fd >= 0)
        return nk_idmapped_mount_attach(c, idmap_fd, m, mo, what, err);
    if (is_bind(m, mo)) {
        if (m->source == NULL)
            return nk_err(err, 0, "%s: bind mount without a source", what);
        return nk_bind_mount(c, m->source, m->destination, (mo->flags & MS_REC) != 0, mo, what,
                             err);
    }
    if (type_is(m, "cgroup"))
        return nk_mount_cgroup(c, m, mo, what, err);
    if (type_is(m, "sysfs") && !c->o->netns)
        return mount_sysfs_bind(c, m, mo, what, err);
    return mount_fresh(c, m, mo, what, err);
}

/* Everything that can be refused on the config alone is refused before the
 * first mount or mkdir, so a rejected container leaves no trace in the
 * rootfs. */
static int validate(const oci_mount *m, const char *what, nk_mount_opts *mo, nk_error **err)
{
    if (nk_mount_opts_parse(&m->options, what, mo, err) < 0)
        return -1;
    const char *bad = NULL;
    if (m->type == NULL && !mo->bind)
        bad = "no mount type";
    else if (mo->tmpcopyup && !type_is(m, "tmpfs"))
        bad = "option \"tmpcopyup\" needs a mount of type tmpfs";
    else if ((mo->idmap || m->n_uid_mappings || m->n_gid_mappings) && !is_bind(m, mo))
        bad = "idmapped mounts (idmap, ridmap, uidMappings) need a bind mount";
    if (bad != NULL) {
        nk_mount_opts_free(mo);
        return nk_err(err, 0, "%s: %s", what, bad);
    }
    return 0;
}

typedef struct parsed_mounts {
    nk_mount_opts *opts;
    char **what;
    size_t n;
} parsed_mounts;

static void parsed_mounts_freep(parsed_mounts *p)
{
    for (size_t i = 0; i < p->n; i++) {
        nk_mount_opts_free(&p->opts[i]);
        free(p->what[i]);
    }
    free(p->opts);
    free(p->what);
}

int nk_mounts_setup(const nk_rootfs_ctx *c, nk_error **err)
{
    const oci_config *cfg = c->o->config;
    _cleanup_(parsed_mounts_freep) parsed_mounts p = {
        .opts = xcalloc(cfg->n_mounts + 1, sizeof(nk_mount_opts)),
        .what = xcalloc(cfg->n_mounts + 1, sizeof(char *)),
    };
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        p.what[i] = xasprintf("mounts[%zu] (%s)", i, cfg->mounts[i].destination);
        if (validate(&cfg->mounts[i], p.what[i], &p.opts[i], err) < 0) {
            free(p.what[i]);
            return -1;
        }
        p.n++;
    }
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        _cleanup_close_ int idmap_fd = -1;
        if (c->o->idmap_fds != NULL)
            idmap_fd = NK_TAKE_FD(c->o->idmap_fds[i]);
        if (mount_one(c, &cfg->mounts[i], &p.opts[i], idmap_fd, p.what[i], err) < 0)
            return -1;
    }
    return 0;
}
