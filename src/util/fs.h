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
/* write() until done, retrying EINTR. */
int nk_write_all(int fd, const void *buf, size_t len);
/* Write to an existing file (procfs, cgroupfs): open O_WRONLY, one write. */
int nk_write_file_at(int dirfd, const char *name, const char *buf, size_t len, nk_error **err);
/* tmp file in the same directory + rename: readers see the old or the new
 * content, never a torn one. Not fsynced: meant for run-time state only. */
int nk_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
                         nk_error **err);

#endif
