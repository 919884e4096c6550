/* Whole-file reads and writes with nook's error convention. */
#ifndef NOOK_UTIL_FS_H
#define NOOK_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Reads all of fd; the buffer is NUL-terminated (len excludes the NUL). */
int nk_read_fd(int fd, char **out, size_t *len, nk_error **err);
/* path "-" reads standard input. */
int nk_read_file(const char *path, char **out, size_t *len, nk_error **err);
int nk_read_file_at(int dirfd, const char *name, char **out, size_t *len, nk_error **err);
/* All of name (below dirfd, opened with O_RDONLY|O_CLOEXEC|O_NOCTTY|flags)
 * into buf, NUL-terminated, in one read and no allocation: for the small
 * files read once per container (state.json, freezer.state). A short read is
 * the end for regular files and for kernfs and proc files of under a page.
 * Returns the length, or -1 with errno (EFBIG: it needs more than size - 1). */
ssize_t nk_read_small_at(int dirfd, const char *name, int flags, char *buf, size_t size);
/* write() until done, retrying EINTR. */
int nk_write_all(int fd, const void *buf, size_t len);
/* Write to an existing file (procfs, cgroupfs): open O_WRONLY, one write. */
int nk_write_file_at(int dirfd, const char *name, const char *buf, size_t len, nk_error **err);
/* tmp file in the same directory + rename: readers see the old or the new
 * content, never a torn one. Not fsynced: meant for run-time state only. */
int nk_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
                         nk_error **err);

#endif
