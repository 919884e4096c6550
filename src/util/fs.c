#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fault.h"
#include "util/xalloc.h"

int nk_read_fd(int fd, char **out, size_t *len, nk_error **err)
{
    size_t cap = 4096, used = 0;
    _cleanup_free_ char *buf = xmalloc(cap);
    for (;;) {
        if (cap - used < 2) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return nk_err(err, errno, "read");
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    buf[used] = '\0';
    if (len != NULL)
        *len = used;
    *out = NK_TAKE_PTR(buf);
    return 0;
}

int nk_read_file(const char *path, char **out, size_t *len, nk_error **err)
{
    if (strcmp(path, "-") == 0)
        return nk_read_fd(STDIN_FILENO, out, len, err) < 0 ? nk_err_wrap(err, "stdin") : 0;
    return nk_read_file_at(AT_FDCWD, path, out, len, err);
}

int nk_read_file_at(int dirfd, const char *name, char **out, size_t *len, nk_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return nk_err(err, errno, "open `%s`", name);
    if (nk_read_fd(fd, out, len, err) < 0)
        return nk_err_wrap(err, "`%s`", name);
    return 0;
}

ssize_t nk_read_small_at(int dirfd, const char *name, int flags, char *buf, size_t size)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | flags);
    if (fd < 0)
        return -1;
    ssize_t n;
    while ((n = read(fd, buf, size - 1)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return -1;
    if ((size_t)n == size - 1) {
        errno = EFBIG;
        return -1;
    }
    buf[n] = '\0';
    return n;
}

int nk_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int nk_write_file_at(int dirfd, const char *name, const char *buf, size_t len, nk_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return nk_err(err, errno, "open `%s`", name);
    if (nk_write_all(fd, buf, len) < 0)
        return nk_err(err, errno, "write `%s`", name);
    return 0;
}

int nk_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode, nk_error **err)
{
    _cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    _cleanup_close_ int fd =
        open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, mode);
    if (fd < 0)
        return nk_err(err, errno, "create `%s`", tmp);
    /* No fsync: rename() alone makes the switch atomic for every reader, which
     * is all state.json and pid files need. Durability across a power cut is
     * worthless for them (the containers die with the machine) and the two
     * fsyncs cost 1.3 ms of each create on an ext4 /run (tests/bench/README.md). */
    if (nk_write_all(fd, buf, len) < 0) {
        int e = errno;
        unlink(tmp);
        return nk_err(err, e, "write `%s`", tmp);
    }
    NK_FAULT_POINT("fs.atomic.before_rename");
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return nk_err(err, e, "rename `%s` to `%s`", tmp, path);
    }
    return 0;
}
