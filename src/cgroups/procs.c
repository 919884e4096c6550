/* Which processes a container's cgroup holds: `ps`, kill --all, and the
 * wait before delete removes the cgroup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/ops.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

char *nk_cg_procs_dir(const nk_cg_layout *l, const char *path)
{
    if (l->mode == NK_CG_UNIFIED)
        return nk_cg_v2_dir(l, path);
    /* the freezer is what kill --all and pause act through: list the same set */
    static const char *const prefer[] = {"freezer", "pids", "memory", "cpu"};
    for (size_t i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++) {
        const char *mount = nk_cg_v1_mount(l, prefer[i]);
        if (mount != NULL)
            return nk_cg_join(mount, path, NULL);
    }
    if (l->n_hiers > 0)
        return nk_cg_join(l->hiers[0].mount, path, NULL);
    return NULL;
}

static void append_pids(const char *text, pid_t **pids, size_t *n)
{
    for (const char *p = text; *p != '\0';) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (v > 0) {
            *pids = xreallocarray(*pids, *n + 1, sizeof(pid_t));
            (*pids)[(*n)++] = (pid_t)v;
        }
        p = end;
        while (*p == '\n' || *p == ' ')
            p++;
    }
}

int nk_cg_collect_pids(const char *dir, pid_t **pids, size_t *n, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (nk_cg_read(dir, "cgroup.procs", &text, err) < 0) {
        if ((*err)->errnum != ENOENT)
            return -1;
        nk_error_freep(err); /* removed meanwhile: nothing in it */
        return 0;
    }
    append_pids(text, pids, n);
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : nk_err(err, errno, "open `%s`", dir);
    struct dirent *de;
    int ret = 0;
    while (ret == 0 && (de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        _cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
        ret = nk_cg_collect_pids(sub, pids, n, err);
    }
    closedir(d);
    return ret;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

int nk_cgroup_pids(const char *cgroup_path, pid_t **pids, size_t *n, nk_error **err)
{
    *pids = NULL;
    *n = 0;
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    _cleanup_free_ char *dir = nk_cg_procs_dir(&l, cgroup_path);
    nk_cg_layout_clear(&l);
    if (dir == NULL)
        return nk_err(err, 0, "the host has no cgroup hierarchy");
    pid_t *v = NULL;
    size_t len = 0;
    if (nk_cg_collect_pids(dir, &v, &len, err) < 0) {
        free(v);
        return -1;
    }
    if (len > 0)
        qsort(v, len, sizeof(pid_t), cmp_pid);
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        if (out == 0 || v[out - 1] != v[i])
            v[out++] = v[i];
    }
    *pids = v;
    *n = out;
    return 0;
}

int nk_cgroup_exists(const char *cgroup_path, bool *exists, nk_error **err)
{
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    _cleanup_free_ char *dir = nk_cg_procs_dir(&l, cgroup_path);
    nk_cg_layout_clear(&l);
    *exists = dir != NULL && access(dir, F_OK) == 0;
    return 0;
}

int nk_cgroup_wait_empty(const char *cgroup_path, int timeout_ms, nk_error **err)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    useconds_t pause_us = 200;
    for (;;) {
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        if (nk_cgroup_pids(cgroup_path, &pids, &n, err) < 0)
            return -1;
        if (n == 0)
            return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (ms >= timeout_ms)
            return nk_err(err, EBUSY, "%zu process(es) still in cgroup %s after %d ms (pid %d)", n,
                          cgroup_path, timeout_ms, (int)pids[0]);
        usleep(pause_us);
        if (pause_us < 20000)
            pause_us *= 2;
    }
}
