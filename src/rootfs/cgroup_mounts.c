/* A "cgroup" mount: cgroup2 on a unified host; on a v1 or hybrid host a
 * tmpfs with one mount per host hierarchy under it, named like the host's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/safe_path.h"
#include "util/xalloc.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

typedef struct host_mounts {
    nk_mountinfo *m;
    size_t n;
} host_mounts;

static void host_mounts_freep(host_mounts *h)
{
    nk_mountinfo_free(h->m, h->n);
}

static bool is_cgroup_fs(const nk_mountinfo *m)
{
    return strcmp(m->fstype, "cgroup") == 0 || strcmp(m->fstype, "cgroup2") == 0;
}

/* Host hierarchies as the host shows them: directly under /sys/fs/cgroup. */
static const char *hierarchy_name(const nk_mountinfo *m)
{
    size_t len = strlen(HOST_CGROUP_ROOT);
    if (!is_cgroup_fs(m) || strncmp(m->mountpoint, HOST_CGROUP_ROOT "/", len + 1) != 0)
        return NULL;
    const char *name = m->mountpoint + len + 1;
    return (*name != '\0' && strchr(name, '/') == NULL) ? name : NULL;
}

static bool token_in(const char *list, const char *tok, size_t toklen)
{
    for (const char *p = list; *p != '\0';) {
        const char *end = strchrnul(p, ',');
        if ((size_t)(end - p) == toklen && strncmp(p, tok, toklen) == 0)
            return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

static int read_self_cgroup(char **text, nk_error **err)
{
    if (nk_read_file("/proc/self/cgroup", text, NULL, err) < 0)
        return nk_err_wrap(err, "read `/proc/self/cgroup`");
    return 0;
}

/* Our own cgroup in hierarchy m, from /proc/self/cgroup's text (not
 * changed): a v1 line matches when all its controllers are among the
 * mount's options. */
static int own_cgroup_path(const char *self_cgroup, const nk_mountinfo *m, char **out,
                           nk_error **err)
{
    _cleanup_free_ char *text = xstrdup(self_cgroup);
    bool v2 = strcmp(m->fstype, "cgroup2") == 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *ctrls = strchr(line, ':');
        char *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
        if (path == NULL)
            continue;
        *path++ = '\0';
        ctrls++;
        bool match = v2 ? *ctrls == '\0' : *ctrls != '\0';
        for (const char *p = ctrls; match && *p != '\0';) {
            const char *end = strchrnul(p, ',');
            match = token_in(m->super_opts, p, (size_t)(end - p));
            p = *end ? end + 1 : end;
        }
        if (!match)
            continue;
        /* The host may itself see only a subtree (nook inside a container). */
        size_t rl = strlen(m->root);
        if (rl > 1 && strncmp(path, m->root, rl) == 0)
            path += rl;
        *out = xasprintf("%s%s", m->mountpoint, path);
        return 0;
    }
    return nk_err(err, ENOENT, "no entry for `%s` in `/proc/self/cgroup`", m->mountpoint);
}

/* The hierarchy's mount options minus the generic ones: what selects it. */
static char *hierarchy_data(const char *super_opts)
{
    _cleanup_free_ char *copy = xstrdup(super_opts);
    char *data = NULL, *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "rw") == 0 || strcmp(t, "ro") == 0 || strncmp(t, "release_agent=", 14) == 0)
            continue;
        char *next = data ? xasprintf("%s,%s", data, t) : xstrdup(t);
        free(data);
        data = next;
    }
    return data;
}

/* Without a cgroup namespace a fresh mount would show the host's whole
 * hierarchy; like runc, the container gets its own cgroup bound instead
 * (self_cgroup: /proc/self/cgroup, read once for every hierarchy). */
static int mount_hierarchy(const nk_rootfs_ctx *c, const nk_mountinfo *h, const char *self_cgroup,
                           const char *dest, const nk_mount_opts *mo, nk_error **err)
{
    unsigned long flags = mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (!c->o->cgroupns) {
        _cleanup_free_ char *src = NULL;
        if (own_cgroup_path(self_cgroup, h, &src, err) < 0)
            return -1;
        nk_mount_opts bind = *mo;
        bind.flags = flags | MS_BIND;
        bind.n_propagation = 0;
        return nk_bind_mount(c, src, dest, false, &bind, dest, err);
    }
    _cleanup_close_ int target = nk_target_open(c, dest, false, err);
    if (target < 0)
        return -1;
    _cleanup_free_ char *data = hierarchy_data(h->super_opts);
    if (mount(h->fstype, nk_fd_proc_path(target).s, h->fstype, flags, data) < 0)
        return nk_err(err, errno, "mount `%s` to `%s`", h->fstype, dest);
    return 0;
}

/* The host's "cpu -> cpu,cpuacct" style links, so paths inside match. */
static int copy_links(int dirfd, nk_error **err)
{
    DIR *d = opendir(HOST_CGROUP_ROOT);
    if (d == NULL)
        return 0;
    struct dirent *e;
    int r = 0;
    while (r == 0 && (e = readdir(d)) != NULL) {
        if (e->d_type != DT_LNK)
            continue;
        _cleanup_free_ char *host = xasprintf(HOST_CGROUP_ROOT "/%s", e->d_name);
        char buf[256];
        ssize_t n = readlink(host, buf, sizeof(buf) - 1);
        if (n < 0 || (size_t)n >= sizeof(buf) - 1)
            continue;
        buf[n] = '\0';
        if (symlinkat(buf, dirfd, e->d_name) < 0 && errno != EEXIST)
            r = nk_err(err, errno, "symlink `%s`", e->d_name);
    }
    closedir(d);
    return r;
}

static int mount_v1(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                    const host_mounts *hm, nk_error **err)
{
    const char *dest = m->destination;
    _cleanup_close_ int target = nk_target_open(c, dest, false, err);
    if (target < 0)
        return -1;
    unsigned long flags = mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY);
    if (mount("tmpfs", nk_fd_proc_path(target).s, "tmpfs", flags, "mode=755") < 0)
        return nk_err(err, errno, "mount `tmpfs` to `%s`", dest);
    _cleanup_close_ int tmpfs = nk_target_reopen_mounted(c, dest, target, err);
    if (tmpfs < 0)
        return -1;
    _cleanup_free_ char *self_cgroup = NULL;
    if (!c->o->cgroupns && read_self_cgroup(&self_cgroup, err) < 0)
        return -1;
    for (size_t i = 0; i < hm->n; i++) {
        const char *name = hierarchy_name(&hm->m[i]);
        if (name == NULL)
            continue;
        _cleanup_free_ char *sub = xasprintf("%s/%s", dest, name);
        if (mount_hierarchy(c, &hm->m[i], self_cgroup, sub, mo, err) < 0)
            return -1;
    }
    if (copy_links(tmpfs, err) < 0)
        return -1;
    if ((mo->flags & MS_RDONLY) &&
        mount(NULL, nk_fd_proc_path(tmpfs).s, NULL, MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0)
        return nk_err(err, errno, "remount `%s` read-only", dest);
    return nk_apply_propagation(tmpfs, mo, dest, err);
}

static int mount_v2(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                    const nk_mountinfo *host, nk_error **err)
{
    const char *dest = m->destination;
    _cleanup_close_ int target = nk_target_open(c, dest, false, err);
    if (target < 0)
        return -1;
    unsigned long flags = mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (mount("cgroup2", nk_fd_proc_path(target).s, "cgroup2", flags, NULL) == 0) {
        if (mo->n_propagation == 0)
            return 0;
        _cleanup_close_ int mnt = nk_target_reopen_mounted(c, dest, target, err);
        return mnt < 0 ? -1 : nk_apply_propagation(mnt, mo, dest, err);
    }
    /* EPERM: a user namespace without its own cgroup namespace may not
     * mount cgroup2; EBUSY: the same, on some kernels. Bind our own cgroup. */
    if ((errno != EPERM && errno != EBUSY) || host == NULL)
        return nk_err(err, errno, "mount `cgroup2` to `%s`", dest);
    _cleanup_free_ char *self_cgroup = NULL, *src = NULL;
    if (read_self_cgroup(&self_cgroup, err) < 0 ||
        own_cgroup_path(self_cgroup, host, &src, err) < 0)
        return -1;
    nk_mount_opts bind = *mo;
    bind.flags = flags | MS_BIND;
    return nk_bind_mount(c, src, dest, true, &bind, dest, err);
}

int nk_mount_cgroup(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                    const char *what, nk_error **err)
{
    _cleanup_(host_mounts_freep) host_mounts hm = {0};
    if (nk_mountinfo_read(&hm.m, &hm.n, err) < 0)
        return nk_err_wrap(err, "%s", what);
    const nk_mountinfo *v2_root = NULL;
    bool v1 = false;
    for (size_t i = 0; i < hm.n; i++) {
        if (strcmp(hm.m[i].fstype, "cgroup") == 0)
            v1 = true;
        if (strcmp(hm.m[i].fstype, "cgroup2") == 0 &&
            strcmp(hm.m[i].mountpoint, HOST_CGROUP_ROOT) == 0)
            v2_root = &hm.m[i];
    }
    int r = v1 ? mount_v1(c, m, mo, &hm, err) : mount_v2(c, m, mo, v2_root, err);
    return r < 0 ? nk_err_wrap(err, "%s", what) : 0;
}
