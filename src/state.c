#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_ops.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/fs.h"
#include "util/proc.h"
#include "util/xalloc.h"

static int mkdir_p(const char *path, mode_t mode, nk_error **err)
{
    _cleanup_free_ char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, mode) < 0 && errno != EEXIST)
            return nk_err(err, errno, "mkdir `%s`", copy);
        *p = '/';
    }
    if (mkdir(copy, mode) < 0 && errno != EEXIST)
        return nk_err(err, errno, "mkdir `%s`", copy);
    return 0;
}

static int lock_dir(int fd, int lock, nk_error **err)
{
    while (flock(fd, lock) < 0) {
        if (errno != EINTR)
            return nk_err(err, errno, "lock state directory");
    }
    return 0;
}

int nk_state_root_create(const nk_context *ctx, nk_error **err)
{
    return mkdir_p(ctx->root, 0700, err);
}

int nk_state_dir_create(const nk_context *ctx, const char *id, nk_state_dir *d, nk_error **err)
{
    d->fd = -1;
    d->path = NULL;
    d->uid = geteuid();
    d->id = xstrdup(id);
    if (nk_state_root_create(ctx, err) < 0)
        return -1;
    d->path = xasprintf("%s/%s", ctx->root, id);
    if (mkdir(d->path, 0700) < 0) {
        if (errno == EEXIST)
            return nk_err(err, 0, "container \"%s\" already exists", id);
        return nk_err(err, errno, "mkdir `%s`", d->path);
    }
    d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (d->fd < 0) {
        int e = errno;
        rmdir(d->path);
        return nk_err(err, e, "open `%s`", d->path);
    }
    return lock_dir(d->fd, LOCK_EX, err);
}

int nk_state_dir_open(const nk_context *ctx, const char *id, int lock, nk_state_dir *d,
                      nk_error **err)
{
    d->id = xstrdup(id);
    d->uid = 0;
    d->path = xasprintf("%s/%s", ctx->root, id);
    d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (d->fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return nk_err(err, 0, "container \"%s\" does not exist", id);
        return nk_err(err, errno, "open `%s`", d->path);
    }
    if (lock != 0 && lock_dir(d->fd, lock, err) < 0)
        return -1;
    /* a concurrent delete may have removed it while we waited for the lock */
    struct stat st;
    if (fstat(d->fd, &st) < 0 || st.st_nlink == 0)
        return nk_err(err, 0, "container \"%s\" does not exist", id);
    d->uid = st.st_uid;
    return 0;
}

static int remove_tree_at(int dirfd, nk_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nk_err(err, errno, "open state directory");
    DIR *dir = fdopendir(fd);
    if (dir == NULL)
        return nk_err(err, errno, "read state directory");
    fd = -1;
    struct dirent *de;
    int ret = 0;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
            continue;
        if (errno == EISDIR || errno == EPERM) {
            _cleanup_close_ int sub =
                openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub >= 0 && remove_tree_at(sub, err) == 0 &&
                unlinkat(dirfd, de->d_name, AT_REMOVEDIR) == 0)
                continue;
        }
        ret = nk_err(err, errno, "remove `%s`", de->d_name);
        break;
    }
    closedir(dir);
    return ret;
}

int nk_state_dir_remove(nk_state_dir *d, nk_error **err)
{
    if (d->fd < 0)
        return 0;
    if (remove_tree_at(d->fd, err) < 0)
        return nk_err_wrap(err, "delete `%s`", d->path);
    NK_FAULT_POINT("state.remove.before_rmdir");
    if (rmdir(d->path) < 0 && errno != ENOENT)
        return nk_err(err, errno, "rmdir `%s`", d->path);
    return 0;
}

void nk_state_dir_close(nk_state_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    free(d->path);
    free(d->id);
    d->path = d->id = NULL;
}

int nk_state_save(const nk_state_dir *d, const nk_state *s, nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (oci_state_to_json(s, true, false, &json, &len, err) < 0)
        return -1;
    _cleanup_free_ char *path = xasprintf("%s/state.json", d->path);
    return nk_write_file_atomic(path, json, len, 0600, err);
}

/* fifo_dir/fifo: the container's exec.fifo; proc_fd: /proc (or AT_FDCWD). */
static const char *live_status(const nk_state *s, int fifo_dir, const char *fifo, int proc_fd,
                               nk_cgroup_freezer_reader *freezer)
{
    char init_state = 0;
    if (s->pid <= 0 || !nk_proc_is_alive_at(proc_fd, s->pid, s->init_start_time, &init_state))
        return "stopped";
    /* a frozen cgroup wins over created, as in runc */
    bool paused = false;
    nk_error *e = NULL;
    if (s->cgroup_path != NULL &&
        nk_cgroup_freezer_read(freezer, s->cgroup_path, init_state, &paused, &e) < 0)
        nk_error_free(e); /* unreadable freezer: report what the process says */
    if (paused)
        return "paused";
    if (faccessat(fifo_dir, fifo, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
        return "running";
    /* init holds exec.fifo open until start's byte arrives; a fifo without a
     * reader was left by a start that died before removing it */
    int fd = openat(fifo_dir, fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENXIO)
        return "running";
    if (fd >= 0)
        close(fd);
    return "created";
}

/* state.json is a few hundred bytes: read on the stack, unless annotations
 * make it bigger. */
#define STATE_JSON_STACK 4096

int nk_state_load_at(int dir, const char *prefix, const char *where, const char *id, int proc_fd,
                     nk_cgroup_freezer_reader *freezer, nk_state **out, nk_error **err)
{
    char json_name[PATH_MAX], fifo[PATH_MAX];
    snprintf(json_name, sizeof(json_name), "%sstate.json", prefix);
    snprintf(fifo, sizeof(fifo), "%s" NK_EXEC_FIFO, prefix);
    char stack[STATE_JSON_STACK];
    _cleanup_free_ char *heap = NULL;
    const char *json = stack;
    size_t len = 0;
    ssize_t n = nk_read_small_at(dir, json_name, O_NOFOLLOW, stack, sizeof(stack));
    if (n >= 0) {
        len = (size_t)n;
    } else if (errno == ENOENT) {
        /* a create that died before writing its state: only delete can act */
        return nk_err(err, 0, "container \"%s\" is not fully created", id);
    } else if (errno != EFBIG) {
        return nk_err(err, errno, "read `%s/%sstate.json`", where, prefix);
    } else {
        if (nk_read_file_at(dir, json_name, &heap, &len, err) < 0)
            return nk_err_wrap(err, "`%s/%sstate.json`", where, prefix);
        json = heap;
    }
    nk_state *s = NULL;
    if (oci_state_parse(json, len, &s, err) < 0)
        return nk_err_wrap(err, "`%s/%sstate.json`", where, prefix);
    free(s->status);
    s->status = xstrdup(live_status(s, dir, fifo, proc_fd, freezer));
    if (strcmp(s->status, "stopped") == 0)
        s->pid = 0;
    *out = s;
    return 0;
}

int nk_state_load(const nk_state_dir *d, nk_state **out, nk_error **err)
{
    nk_cgroup_freezer_reader freezer = NK_CGROUP_FREEZER_READER_INIT;
    int ret = nk_state_load_at(d->fd, "", d->path, d->id, AT_FDCWD, &freezer, out, err);
    nk_cgroup_freezer_reader_close(&freezer);
    return ret;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int nk_state_list_ids(const nk_context *ctx, char ***ids, size_t *n, nk_error **err)
{
    *ids = NULL;
    *n = 0;
    DIR *dir = opendir(ctx->root);
    if (dir == NULL) {
        if (errno == ENOENT) {
            *ids = xcalloc(1, sizeof(char *));
            return 0;
        }
        return nk_err(err, errno, "open `%s`", ctx->root);
    }
    size_t cap = 8, len = 0;
    char **v = xcalloc(cap, sizeof(char *));
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.' || de->d_type != DT_DIR)
            continue;
        if (len + 1 >= cap) {
            cap *= 2;
            v = xreallocarray(v, cap, sizeof(char *));
        }
        v[len++] = xstrdup(de->d_name);
    }
    closedir(dir);
    v[len] = NULL;
    qsort(v, len, sizeof(char *), cmp_str);
    *ids = v;
    *n = len;
    return 0;
}

char *nk_state_now_rfc3339(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}
