/* Paths and control-file I/O shared by the drivers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

char *nk_cg_join(const char *mount, const char *path, const char *sub)
{
    if (sub != NULL && *sub != '\0')
        return xasprintf("%s%s/%s", mount, path, sub);
    return xasprintf("%s%s", mount, path);
}

char *nk_cg_v2_dir(const nk_cg_layout *l, const char *path)
{
    return l->unified ? nk_cg_join(l->unified, path, NULL) : NULL;
}

int nk_cg_open(const char *dir, nk_error **err)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nk_err(err, errno, "open cgroup `%s`", dir);
    return fd;
}

int nk_cg_write(const char *dir, const char *file, const char *value, nk_error **err)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
    _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0)
        return nk_err(err, errno, "open `%s`", p);
    /* cgroupfs takes one value per write(); a short write is an error */
    ssize_t n = write(fd, value, strlen(value));
    if (n < 0)
        return nk_err(err, errno, "write \"%s\" to `%s`", value, p);
    return 0;
}

int nk_cg_read(const char *dir, const char *file, char **out, nk_error **err)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
    size_t len = 0;
    if (nk_read_file_at(AT_FDCWD, p, out, &len, err) < 0)
        return -1;
    while (len > 0 && (*out)[len - 1] == '\n')
        (*out)[--len] = '\0';
    return 0;
}

int nk_cg_read_u64(const char *dir, const char *file, uint64_t *out, nk_error **err)
{
    _cleanup_free_ char *s = NULL;
    if (nk_cg_read(dir, file, &s, err) < 0)
        return -1;
    if (strcmp(s, "max") == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s)
        return nk_err(err, EINVAL, "`%s/%s`: not a number: \"%s\"", dir, file, s);
    *out = v;
    return 0;
}

int nk_cg_mkdir_p(const char *mount, const char *path, bool *created, nk_error **err)
{
    _cleanup_free_ char *full = nk_cg_join(mount, path, NULL);
    size_t base = strlen(mount);
    *created = false;
    for (char *p = full + base + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        bool leaf = saved == '\0';
        if (mkdir(full, 0755) == 0) {
            if (leaf)
                *created = true;
        } else if (errno != EEXIST) {
            return nk_err(err, errno, "create cgroup `%s`", full);
        }
        *p = saved;
        if (leaf)
            break;
    }
    return 0;
}

int nk_cg_rmdir_tree(const char *dir, nk_error **err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : nk_err(err, errno, "open cgroup `%s`", dir);
    struct dirent *e;
    int ret = 0;
    while (ret == 0 && (e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
        ret = nk_cg_rmdir_tree(sub, err);
    }
    closedir(d);
    if (ret < 0)
        return -1;
    /* a cgroup whose last task just exited stays EBUSY until the kernel has
     * finished tearing that task down: seconds on a loaded v1 host */
    for (int i = 0; i < 500; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        usleep(10000);
    }
    return nk_err(err, errno, "remove cgroup `%s`", dir);
}
