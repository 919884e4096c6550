/* The "tmpcopyup" mount option: a tmpfs mounted over an image directory
 * starts with a copy of what that directory held (runc's extension). Both
 * sides are walked by fd with O_NOFOLLOW: the source is the hostile image,
 * so a symlink is copied as a symlink, never followed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "util/cleanup.h"

#define MAX_DEPTH 64

static int copy_tree(int src, int dst, const char *what, int depth, nk_error **err);

static int copy_data(int in, int out, off_t size, const char *what, nk_error **err)
{
    while (size > 0) {
        ssize_t n = sendfile(out, in, NULL, (size_t)size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return nk_err(err, errno, "tmpcopyup: copy `%s`", what);
        if (n == 0)
            break;
        size -= n;
    }
    return 0;
}

static int copy_owner_mode(int dirfd, const char *name, const struct stat *st, const char *what,
                           nk_error **err)
{
    if (fchownat(dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return nk_err(err, errno, "tmpcopyup: chown `%s`", what);
    if (!S_ISLNK(st->st_mode) && fchmodat(dirfd, name, st->st_mode & 07777, 0) < 0)
        return nk_err(err, errno, "tmpcopyup: chmod `%s`", what);
    return 0;
}

static int copy_entry(int src, int dst, const char *name, const char *what, int depth,
                      nk_error **err)
{
    struct stat st;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return nk_err(err, errno, "tmpcopyup: stat `%s`", what);
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(dst, name, 0700) < 0)
            return nk_err(err, errno, "tmpcopyup: mkdir `%s`", what);
        _cleanup_close_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
            return nk_err(err, errno, "tmpcopyup: open `%s`", what);
        if (copy_tree(s, d, what, depth + 1, err) < 0)
            return -1;
    } else if (S_ISREG(st.st_mode)) {
        _cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
            return nk_err(err, errno, "tmpcopyup: open `%s`", what);
        _cleanup_close_ int out =
            openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
            return nk_err(err, errno, "tmpcopyup: create `%s`", what);
        if (copy_data(in, out, st.st_size, what, err) < 0)
            return -1;
    } else if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
        if (n < 0)
            return nk_err(err, errno, "tmpcopyup: readlink `%s`", what);
        target[n] = '\0';
        if (symlinkat(target, dst, name) < 0)
            return nk_err(err, errno, "tmpcopyup: symlink `%s`", what);
    } else if (mknodat(dst, name, st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0) {
        /* fifos and sockets; device nodes only where mknod is allowed */
        return nk_err(err, errno, "tmpcopyup: mknod `%s`", what);
    }
    return copy_owner_mode(dst, name, &st, what, err);
}

static int copy_tree(int src, int dst, const char *what, int depth, nk_error **err)
{
    if (depth > MAX_DEPTH)
        return nk_err(err, ELOOP, "tmpcopyup: `%s` is nested too deep", what);
    int dup_fd = fcntl(src, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return nk_err(err, errno, "tmpcopyup: dup");
    DIR *dir = fdopendir(dup_fd);
    if (dir == NULL) {
        close(dup_fd);
        return nk_err(err, errno, "tmpcopyup: read `%s`", what);
    }
    int r = 0;
    struct dirent *e;
    while (r == 0 && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        r = copy_entry(src, dst, e->d_name, e->d_name, depth, err);
    }
    closedir(dir);
    return r;
}

int nk_tmpcopyup(int src_dir, int dst_dir, const char *dest, nk_error **err)
{
    _cleanup_close_ int src = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    _cleanup_close_ int dst = openat(dst_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0 || dst < 0)
        return nk_err(err, errno, "tmpcopyup: open `%s`", dest);
    struct stat st;
    if (fstat(src, &st) < 0)
        return nk_err(err, errno, "tmpcopyup: stat `%s`", dest);
    if (copy_tree(src, dst, dest, 0, err) < 0)
        return nk_err_wrap(err, "%s", dest);
    /* the tmpfs root takes the image directory's owner and mode */
    if (fchown(dst, st.st_uid, st.st_gid) < 0 || fchmod(dst, st.st_mode & 07777) < 0)
        return nk_err(err, errno, "tmpcopyup: chown/chmod `%s`", dest);
    return 0;
}
