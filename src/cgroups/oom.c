/* OOM notifications for `events`: v2 reports kills in memory.events
 * (watched with inotify, which kernfs supports for that file); v1 signals an
 * eventfd registered through cgroup.event_control. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/ops.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int oom_kills_v2(const char *dir, uint64_t *out, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (nk_cg_read(dir, "memory.events", &text, err) < 0)
        return -1;
    const char *p = strstr(text, "oom_kill ");
    *out = p ? strtoull(p + strlen("oom_kill "), NULL, 10) : 0;
    return 0;
}

static int open_v2(const char *dir, nk_cgroup_oom_watch *w, nk_error **err)
{
    _cleanup_free_ char *file = nk_cg_join(dir, "/memory.events", NULL);
    if (access(file, F_OK) < 0)
        return 0; /* memory controller not enabled for this cgroup */
    if (oom_kills_v2(dir, &w->last_kill, err) < 0)
        return -1;
    _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0)
        return nk_err(err, errno, "inotify_init1");
    if (inotify_add_watch(fd, file, IN_MODIFY) < 0)
        return nk_err(err, errno, "watch `%s`", file);
    w->v2 = true;
    w->events_dir = xstrdup(dir);
    w->fd = NK_TAKE_FD(fd);
    return 0;
}

static int open_v1(const char *dir, nk_cgroup_oom_watch *w, nk_error **err)
{
    _cleanup_free_ char *file = nk_cg_join(dir, "/memory.oom_control", NULL);
    _cleanup_close_ int ctl = open(file, O_RDONLY | O_CLOEXEC);
    if (ctl < 0)
        return errno == ENOENT ? 0 : nk_err(err, errno, "open `%s`", file);
    _cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0)
        return nk_err(err, errno, "eventfd");
    char reg[32];
    snprintf(reg, sizeof(reg), "%d %d", efd, ctl);
    if (nk_cg_write(dir, "cgroup.event_control", reg, err) < 0)
        return -1;
    w->events_dir = xstrdup(dir);
    w->fd = NK_TAKE_FD(efd);
    return 0;
}

int nk_cgroup_oom_watch_open(const char *cgroup_path, nk_cgroup_oom_watch *w, nk_error **err)
{
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    int ret = 0;
    if (l.mode == NK_CG_UNIFIED) {
        _cleanup_free_ char *dir = nk_cg_v2_dir(&l, cgroup_path);
        ret = open_v2(dir, w, err);
    } else {
        const char *mount = nk_cg_v1_mount(&l, "memory");
        _cleanup_free_ char *dir = mount ? nk_cg_join(mount, cgroup_path, NULL) : NULL;
        if (dir != NULL)
            ret = open_v1(dir, w, err);
    }
    nk_cg_layout_clear(&l);
    return ret;
}

int nk_cgroup_oom_watch_read(nk_cgroup_oom_watch *w, uint64_t *ooms, nk_error **err)
{
    *ooms = 0;
    if (w->fd < 0)
        return 0;
    if (w->v2) {
        char buf[4096];
        while (read(w->fd, buf, sizeof(buf)) > 0)
            ; /* drain: the count is in the file */
        uint64_t kills;
        if (oom_kills_v2(w->events_dir, &kills, err) < 0) {
            if ((*err)->errnum != ENOENT)
                return -1;
            nk_error_freep(err); /* cgroup removed */
            nk_closep(&w->fd);
            return 0;
        }
        if (kills > w->last_kill)
            *ooms = kills - w->last_kill;
        w->last_kill = kills;
        return 0;
    }
    uint64_t count;
    if (read(w->fd, &count, sizeof(count)) != sizeof(count))
        return errno == EAGAIN ? 0 : nk_err(err, errno, "read oom eventfd");
    /* the eventfd also fires when the cgroup is removed */
    _cleanup_free_ char *file = nk_cg_join(w->events_dir, "/memory.oom_control", NULL);
    if (access(file, F_OK) < 0) {
        nk_closep(&w->fd);
        return 0;
    }
    *ooms = count;
    return 0;
}

void nk_cgroup_oom_watch_close(nk_cgroup_oom_watch *w)
{
    nk_closep(&w->fd);
    free(w->events_dir);
    w->events_dir = NULL;
}
