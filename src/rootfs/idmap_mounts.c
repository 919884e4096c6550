/* Idmapped bind mounts ("idmap", "ridmap", mount uidMappings/gidMappings).
 * The kernel only lets a process privileged over the source filesystem's
 * superblock set MOUNT_ATTR_IDMAP, and only on a detached tree: so the
 * runtime builds each tree in the host's user namespace before init is
 * cloned (init inherits the fds), and init attaches it by fd to a target
 * resolved inside the rootfs like any other mount. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static bool has_option(const oci_mount *m, const char *opt);

/* Only bind mounts: init's validation names any other kind as wrong. */
static bool wants_idmap(const oci_mount *m)
{
    if (!(m->type != NULL && strcmp(m->type, "bind") == 0) && !has_option(m, "bind") &&
        !has_option(m, "rbind"))
        return false;
    if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0)
        return true;
    for (size_t i = 0; i < m->options.len; i++)
        if (strcmp(m->options.v[i], "idmap") == 0 || strcmp(m->options.v[i], "ridmap") == 0)
            return true;
    return false;
}

static bool has_option(const oci_mount *m, const char *opt)
{
    for (size_t i = 0; i < m->options.len; i++)
        if (strcmp(m->options.v[i], opt) == 0)
            return true;
    return false;
}

/* A user namespace holding just the mappings, kept by fd: a child unshares
 * it, we write its maps from outside and open /proc/<child>/ns/user. */
static int mapped_userns(const oci_linux *maps, const char *what, nk_error **err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return nk_err(err, errno, "%s: pipe", what);
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        char b;
        close(pipefd[1]);
        /* parked until the parent has the namespace open */
        while (read(pipefd[0], &b, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(pipefd[0]);
    if (pid < 0) {
        close(pipefd[1]);
        return nk_err(err, errno, "%s: create a user namespace for the mapping", what);
    }
    int fd = -1;
    if (nk_idmap_write(pid, maps, err) == 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            nk_err(err, errno, "open `%s`", path);
    }
    close(pipefd[1]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return fd < 0 ? nk_err_wrap(err, "%s", what) : fd;
}

static int idmapped_tree(const oci_config *cfg, const oci_mount *m, const char *bundle,
                         const char *what, nk_error **err)
{
    bool recursive_map = has_option(m, "ridmap");
    bool recursive_bind = has_option(m, "rbind") || recursive_map;
    /* The mount's own mappings, else the container's (runtime-spec: "idmap"
     * alone maps like the container's user namespace). */
    oci_linux maps = {0};
    if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0) {
        if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
            return nk_err(err, 0, "%s: uidMappings and gidMappings must be given together", what);
        maps.uid_mappings = m->uid_mappings;
        maps.n_uid_mappings = m->n_uid_mappings;
        maps.gid_mappings = m->gid_mappings;
        maps.n_gid_mappings = m->n_gid_mappings;
    } else {
        const oci_namespace *user = oci_config_namespace(cfg, OCI_NS_USER);
        if (user == NULL || user->path != NULL || cfg->linux.n_uid_mappings == 0)
            return nk_err(err, 0,
                          "%s: \"idmap\" without uidMappings needs a new user namespace with "
                          "linux.uidMappings",
                          what);
        maps.uid_mappings = cfg->linux.uid_mappings;
        maps.n_uid_mappings = cfg->linux.n_uid_mappings;
        maps.gid_mappings = cfg->linux.gid_mappings;
        maps.n_gid_mappings = cfg->linux.n_gid_mappings;
    }
    _cleanup_free_ char *src =
        m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
    _cleanup_close_ int tree =
        (int)syscall(SYS_open_tree, AT_FDCWD, src,
                     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive_bind ? AT_RECURSIVE : 0));
    if (tree < 0)
        return nk_err(err, errno, "%s: open_tree `%s`", what, src);
    _cleanup_close_ int userns = mapped_userns(&maps, what, err);
    if (userns < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive_map ? AT_RECURSIVE : 0),
                &attr, sizeof(attr)) < 0)
        return nk_err(err, errno, "%s: idmap `%s` (does its filesystem support idmapped mounts?)",
                      what, src);
    return NK_TAKE_FD(tree);
}

int nk_idmap_mounts_prepare(const oci_config *cfg, const char *bundle, int **fds, nk_error **err)
{
    *fds = NULL;
    bool any = false;
    for (size_t i = 0; i < cfg->n_mounts; i++)
        any |= wants_idmap(&cfg->mounts[i]);
    if (!any)
        return 0;
    int *out = xcalloc(cfg->n_mounts, sizeof(int));
    for (size_t i = 0; i < cfg->n_mounts; i++)
        out[i] = -1;
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        const oci_mount *m = &cfg->mounts[i];
        if (!wants_idmap(m))
            continue;
        _cleanup_free_ char *what = xasprintf("mounts[%zu] (%s)", i, m->destination);
        if (m->source == NULL) {
            nk_idmap_mounts_close(cfg, out);
            return nk_err(err, 0, "%s: bind mount without a source", what);
        }
        out[i] = idmapped_tree(cfg, m, bundle, what, err);
        if (out[i] < 0) {
            nk_idmap_mounts_close(cfg, out);
            return -1;
        }
    }
    *fds = out;
    return 0;
}

void nk_idmap_mounts_close(const oci_config *cfg, int *fds)
{
    if (fds == NULL)
        return;
    for (size_t i = 0; i < cfg->n_mounts; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}

int nk_idmapped_mount_attach(const nk_rootfs_ctx *c, int tree_fd, const oci_mount *m,
                             const nk_mount_opts *mo, const char *what, nk_error **err)
{
    struct stat st;
    if (fstat(tree_fd, &st) < 0)
        return nk_err(err, errno, "%s: stat the idmapped tree", what);
    _cleanup_close_ int target = nk_target_open(c, m->destination, !S_ISDIR(st.st_mode), err);
    if (target < 0)
        return nk_err_wrap(err, "%s", what);
    if (syscall(SYS_move_mount, tree_fd, "", target, "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return nk_err(err, errno, "%s: attach the idmapped mount", what);
    return nk_mount_finish(c, target, m->destination, mo, what, err);
}
