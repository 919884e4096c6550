/* Paths under a hostile root (SECURITY.md rule 1): everything is resolved from
 * a dirfd of the root so that symlinks, ".." and races through shared volumes
 * never lead outside it. Every returned fd is O_CLOEXEC. */
#ifndef NOOK_UTIL_SAFE_PATH_H
#define NOOK_UTIL_SAFE_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* Open `path` (absolute or relative, both meaning "below rootfd") as if rootfd
 * were "/": symlinks are resolved inside the root, ".." stops at it, magic
 * links are refused. `flags` are open(2) flags (O_CLOEXEC is always added);
 * O_NOFOLLOW applies to the last component only. Uses openat2(RESOLVE_IN_ROOT)
 * and falls back to nk_safe_walk() where openat2 is missing. Returns the fd,
 * or a negative value with errno set and *err filled. */
int nk_safe_open(int rootfd, const char *path, int flags, nk_error **err);

/* The per-component fallback behind nk_safe_open, exposed for tests: an
 * O_PATH|O_NOFOLLOW openat() per component, symlinks read and spliced in by
 * hand. Returns an O_PATH fd. `nofollow` leaves a trailing symlink unresolved. */
int nk_safe_walk(int rootfd, const char *path, bool nofollow, nk_error **err);

/* mkdir -p below rootfd: existing components are resolved like
 * nk_safe_open, each missing one is created with mkdirat() relative to its
 * already opened parent. Returns an O_PATH|O_DIRECTORY fd of the result. */
int nk_safe_mkdir_all(int rootfd, const char *path, mode_t mode, nk_error **err);

/* Make sure `path` exists below rootfd as a non-directory (a bind-mount target
 * for a file): parents as nk_safe_mkdir_all, the file itself with
 * mknodat(S_IFREG), never open(O_CREAT). Returns an O_PATH fd of it. */
int nk_safe_create_file(int rootfd, const char *path, mode_t mode, nk_error **err);

/* "/proc/self/fd/N": lets path-based syscalls (mount(2)) act on a verified fd. */
typedef struct nk_fd_path {
    char s[32];
} nk_fd_path;
nk_fd_path nk_fd_proc_path(int fd);

/* Fail unless what fd refers to is `root` or below it, judged by the kernel's
 * own view of the fd (/proc/self/fd). Catches a target moved out after it
 * was resolved. `what` names the path in the error. */
int nk_fd_check_beneath(int fd, const char *root, const char *what, nk_error **err);

#endif
