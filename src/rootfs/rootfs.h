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
} nk_rootfs_opts;

/* Before pivot: propagation, bind the rootfs, the config's mounts, /dev
 * (default nodes, symlinks, /dev/pts/ptmx), linux.devices. */
int nk_rootfs_prepare(const nk_rootfs_opts *o, nk_error **err);

/* pivot_root (or MS_MOVE+chroot), then maskedPaths, readonlyPaths, a
 * readonly root, and rootfsPropagation. The cwd is "/" afterwards. */
int nk_rootfs_finalize(const nk_rootfs_opts *o, nk_error **err);

#endif
