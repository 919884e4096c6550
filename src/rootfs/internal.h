/* Shared between the files of src/rootfs/ only. */
#ifndef NOOK_ROOTFS_INTERNAL_H
#define NOOK_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/config.h"
#include "rootfs/rootfs.h"
#include "util/error.h"
#include "util/mountinfo.h"

/* ---- mount_options.c ---- */
#define NK_MAX_PROPAGATION 4

enum { NK_IDMAP_NONE, NK_IDMAP_TOP, NK_IDMAP_RECURSIVE };

typedef struct nk_mount_opts {
    unsigned long flags; /* MS_* to set */
    unsigned long clear; /* MS_* explicitly turned off (rw, suid, dev, exec, ...) */
    unsigned long propagation[NK_MAX_PROPAGATION]; /* applied after the mount, in order */
    size_t n_propagation;
    uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
    bool tmpcopyup;            /* copy what the target held into the new tmpfs */
    int idmap;                 /* NK_IDMAP_*: "idmap", "ridmap" */
    bool bind;                 /* "bind" or "rbind" given */
    char *data;                /* everything else, comma-joined; NULL when empty */
} nk_mount_opts;

/* `what` names the mount in errors: "mounts[3] (/data)". Anything that is
 * not a known flag goes to the filesystem as mount data. */
int nk_mount_opts_parse(const oci_strv *options, const char *what, nk_mount_opts *out,
                        nk_error **err);
void nk_mount_opts_free(nk_mount_opts *o);
/* linux.rootfsPropagation → MS_*; 0 with an error when unknown. */
int nk_propagation_parse(const char *name, unsigned long *out, nk_error **err);

/* ---- mount_fd.c: mounting onto verified fds ---- */
typedef struct nk_rootfs_ctx {
    const nk_rootfs_opts *o;
    int rootfd;       /* O_PATH of the rootfs bind mount (pre-pivot) or "/" */
    const char *root; /* host path rootfd must resolve under, for the re-check */
} nk_rootfs_ctx;

/* Resolve (creating if missing) a mount target: a directory, or with
 * `file` a regular file made with mknodat. The fd is O_PATH and re-checked
 * to be below the root. */
int nk_target_open(const nk_rootfs_ctx *c, const char *dest, bool file, nk_error **err);
/* Re-resolve dest after something was mounted on it and make sure what we
 * get is the new mount, not the directory below it. */
int nk_target_reopen_mounted(const nk_rootfs_ctx *c, const char *dest, int before_fd,
                             nk_error **err);
/* MS_REMOUNT|MS_BIND of the mount fd is the root of, setting `flags`,
 * keeping the restrictive flags it already has unless `clear` names them
 * (in a user namespace the kernel refuses to drop locked ones). `target`
 * is the path to hand mount(2), NULL for /proc/self/fd/<mntfd>. */
int nk_remount_bind(int mntfd, const char *target, unsigned long flags, unsigned long clear,
                    const char *what, nk_error **err);
/* The new mount API, no path involved (-1 with errno): a detached clone
 * of the mount at fd; a fresh detached filesystem with MOUNT_ATTR_* set;
 * attaching a detached tree onto target. */
int nk_clone_mount(int fd, bool recursive);
int nk_fresh_mount(const char *fstype, unsigned attrs);
int nk_attach_mount(int tree, int target);
/* mount_setattr(AT_RECURSIVE) with the r-options (rro, rnosuid...). */
bool nk_mount_opts_recursive(const nk_mount_opts *mo);
int nk_setattr_recursive(int mntfd, const nk_mount_opts *mo, const char *what, nk_error **err);
/* After mounting onto `target`: remount with mo's flags, the recursive
 * attributes, then propagation, all on the new mount re-resolved by path. */
int nk_mount_finish(const nk_rootfs_ctx *c, int target, const char *dest, const nk_mount_opts *mo,
                    const char *what, nk_error **err);
int nk_apply_propagation(int mntfd, const nk_mount_opts *mo, const char *what, nk_error **err);
/* Bind `src` (a host path, or a verified fd's /proc path) onto dest with
 * the flags in mo, second pass and propagation included. */
int nk_bind_mount(const nk_rootfs_ctx *c, const char *src, const char *dest, bool recursive,
                  const nk_mount_opts *mo, const char *what, nk_error **err);

/* ---- tmpcopyup.c: copy the image directory src_dir (the covered one)
 * into the fresh tmpfs dst_dir. */
int nk_tmpcopyup(int src_dir, int dst_dir, const char *dest, nk_error **err);

/* ---- idmap_mounts.c (init side): attach a detached idmapped tree the
 * parent made (nk_idmap_mounts_prepare) at the mount's destination. */
int nk_idmapped_mount_attach(const nk_rootfs_ctx *c, int tree_fd, const oci_mount *m,
                             const nk_mount_opts *mo, const char *what, nk_error **err);

/* ---- mounts.c / cgroup_mounts.c ---- */
int nk_mounts_setup(const nk_rootfs_ctx *c, nk_error **err);
int nk_mount_cgroup(const nk_rootfs_ctx *c, const oci_mount *m, const nk_mount_opts *mo,
                    const char *what, nk_error **err);

/* ---- devices.c ---- */
/* Whether nook populates /dev (false when the config binds a /dev in). */
bool nk_dev_needs_setup(const oci_config *cfg);
int nk_devices_setup(const nk_rootfs_ctx *c, nk_error **err);

/* ---- pivot.c ---- */
int nk_pivot_root(const nk_rootfs_opts *o, nk_error **err);

/* ---- masked_paths.c / readonly_paths.c (after pivot) ---- */
int nk_masked_paths_apply(const oci_strv *paths, nk_error **err);
int nk_readonly_paths_apply(const oci_strv *paths, nk_error **err);

#endif
