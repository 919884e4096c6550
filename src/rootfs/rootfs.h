/* Everything under the container's root: runs inside init, in its new mount
 * namespace, as root of its user namespace. The rootfs is hostile: every path
 * below it is resolved through util/safe_path (SECURITY.md rules 1-3). */
#ifndef NOOK_ROOTFS_ROOTFS_H
#define NOOK_ROOTFS_ROOTFS_H

#include <stdbool.h>

#include "oci/config.h"
#include "util/error.h"

typedef struct nk_rootfs_opts {
    const oci_config *config;
    const char *rootfs; /* absolute, symlink-free host path of root.path */
    bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
    bool userns;        /* in a new user namespace: bind devices from the host instead of mknod */
    bool netns;         /* has its own network namespace (sysfs can be mounted fresh) */
    bool cgroupns;      /* has its own cgroup namespace */
    int *idmap_fds; /* per config mount: detached idmapped tree or -1 (closed once used); NULL: none
                     */
} nk_rootfs_opts;

/* Before pivot: propagation, bind the rootfs, the config's mounts, /dev
 * (default nodes, symlinks, /dev/pts/ptmx), linux.devices. */
int nk_rootfs_prepare(const nk_rootfs_opts *o, nk_error **err);

/* pivot_root (or MS_MOVE+chroot), then maskedPaths, readonlyPaths, a
 * readonly root, and rootfsPropagation. The cwd is "/" afterwards. */
int nk_rootfs_finalize(const nk_rootfs_opts *o, nk_error **err);

/* linux.sysctl: every key must belong to a namespace the container owns
 * (net.* a network one, kernel.shm*, msg*, sem, fs.mqueue.* an ipc one,
 * kernel.hostname/domainname a uts one); checked before anything is made. */
int nk_sysctl_validate(const oci_config *cfg, nk_error **err);
/* After pivot_root, through a private procfs (util/procfs.h). */
int nk_sysctl_apply(const oci_config *cfg, nk_error **err);

/* Every mount option the parser accepts (features: mountOptions). */
void nk_mount_option_names(void (*fn)(const char *name, void *arg), void *arg);
bool nk_mount_option_known(const char *opt);

/* Parent side of idmapped mounts ("idmap", "ridmap", uidMappings): before
 * init is cloned, the runtime (still in the host's user namespace, where
 * the kernel allows it) clones each such source with open_tree and sets
 * MOUNT_ATTR_IDMAP on it. *fds gets one entry per config mount (-1 for
 * the others), or NULL when the config has no idmapped mount; init
 * inherits them and attaches each at its destination. */
int nk_idmap_mounts_prepare(const oci_config *cfg, const char *bundle, int **fds, nk_error **err);
void nk_idmap_mounts_close(const oci_config *cfg, int *fds);
typedef struct nk_idmap_fds {
    const oci_config *config;
    int *fds;
} nk_idmap_fds;
static inline void nk_idmap_fds_freep(nk_idmap_fds *f)
{
    nk_idmap_mounts_close(f->config, f->fds);
}

#endif
