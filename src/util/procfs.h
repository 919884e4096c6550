/* A procfs nook can trust (SECURITY.md rule 3, CVE-2019-16884,
 * CVE-2019-19921, CVE-2025-52881): the container's /proc may be a fake the
 * image mounted, or be raced into pointing elsewhere, so writes that matter
 * (sysctls, LSM labels) go through a private procfs instance and are
 * verified to land on procfs before a byte is written. */
#ifndef NOOK_UTIL_PROCFS_H
#define NOOK_UTIL_PROCFS_H

#include "util/error.h"

/* A detached procfs of the caller's pid namespace (fsopen + fsmount), or,
 * where the kernel refuses a new instance (a user namespace whose /proc is
 * partly covered), a clone of `fallback_root`/proc checked to be the root
 * of a real procfs. O_PATH|O_DIRECTORY, O_CLOEXEC. */
int nk_procfs_open(int fallback_root, nk_error **err);

/* Open `rel` ("sys/net/ipv4/ip_forward", "1/attr/exec") below procfd with
 * no symlinks, no magic links, no mount crossings, then check the result
 * is on procfs. */
int nk_procfs_open_at(int procfd, const char *rel, int flags, nk_error **err);

/* nk_procfs_open_at(O_WRONLY) and one write of `text`. */
int nk_procfs_write(int procfd, const char *rel, const char *text, nk_error **err);

#endif
