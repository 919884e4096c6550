/* pause/resume: the v2 freezer (cgroup.freeze, settled when cgroup.events
 * says frozen) and the v1 freezer controller (freezer.state). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/ops.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* A task stuck in the kernel (D state, vfork) can keep a cgroup from
 * freezing; runc gives up after a similar while. */
#define FREEZE_TIMEOUT_MS 10000

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* The value of `key` in a flat keyed file such as cgroup.events. */
static int keyed_u64(const char *dir, const char *file, const char *key, uint64_t *out,
                     nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (nk_cg_read(dir, file, &text, err) < 0)
        return -1;
    size_t klen = strlen(key);
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            *out = strtoull(line + klen + 1, NULL, 10);
            return 0;
        }
        line = nl ? nl + 1 : NULL;
    }
    *out = 0;
    return 0;
}

/* Directory of the freezer: v2 cgroup, v1 freezer hierarchy; NULL: none. */
/* Mount of the freezer: the cgroup2 root on v2, the v1 freezer hierarchy
 * otherwise; NULL: none. */
static const char *freezer_mount(const nk_cg_layout *l, bool *v2)
{
    *v2 = l->mode == NK_CG_UNIFIED;
    return *v2 ? l->unified : nk_cg_v1_mount(l, "freezer");
}

/* Directory of the freezer for path; NULL: none. */
static char *freezer_dir(const nk_cg_layout *l, const char *path, bool *v2)
{
    const char *mount = freezer_mount(l, v2);
    return mount ? nk_cg_join(mount, path, NULL) : NULL;
}

static int v2_wait_frozen(const char *dir, uint64_t want, nk_error **err)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    _cleanup_free_ char *events = nk_cg_join(dir, "/cgroup.events", NULL);
    /* kernfs wakes pollers with POLLPRI when cgroup.events changes */
    _cleanup_close_ int fd = open(events, O_RDONLY | O_CLOEXEC);
    for (;;) {
        uint64_t frozen;
        if (keyed_u64(dir, "cgroup.events", "frozen", &frozen, err) < 0)
            return -1;
        if (frozen == want)
            return 0;
        long left = FREEZE_TIMEOUT_MS - elapsed_ms(&start);
        if (left <= 0)
            return nk_err(err, ETIMEDOUT, "cgroup `%s` did not %s within %d ms", dir,
                          want ? "freeze" : "thaw", FREEZE_TIMEOUT_MS);
        if (fd >= 0) {
            char c;
            (void)pread(fd, &c, 1, 0); /* re-arm */
            struct pollfd p = {.fd = fd, .events = POLLPRI};
            (void)poll(&p, 1, left < 10 ? (int)left : 10);
        } else {
            usleep(1000);
        }
    }
}

static int v1_set_state(const char *dir, const char *want, nk_error **err)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    useconds_t pause_us = 100;
    for (;;) {
        /* FREEZING can stall on a task that forks: writing again retries it */
        if (nk_cg_write(dir, "freezer.state", want, err) < 0)
            return -1;
        _cleanup_free_ char *state = NULL;
        if (nk_cg_read(dir, "freezer.state", &state, err) < 0)
            return -1;
        if (strcmp(state, want) == 0)
            return 0;
        if (elapsed_ms(&start) >= FREEZE_TIMEOUT_MS)
            return nk_err(err, ETIMEDOUT, "cgroup `%s`: freezer.state is %s, not %s after %d ms",
                          dir, state, want, FREEZE_TIMEOUT_MS);
        usleep(pause_us);
        if (pause_us < 10000)
            pause_us *= 2;
    }
}

static int set_frozen(const char *cgroup_path, bool freeze, nk_error **err)
{
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    bool v2;
    _cleanup_free_ char *dir = freezer_dir(&l, cgroup_path, &v2);
    nk_cg_layout_clear(&l);
    if (dir == NULL)
        return nk_err(err, 0, "the host has no freezer cgroup controller");
    if (access(dir, F_OK) < 0)
        return nk_err(err, errno, "cgroup `%s`", dir);
    int ret;
    if (v2) {
        ret = nk_cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err);
        if (ret == 0)
            ret = v2_wait_frozen(dir, freeze, err);
    } else {
        ret = v1_set_state(dir, freeze ? "FROZEN" : "THAWED", err);
    }
    if (ret < 0 && freeze) {
        /* a half-frozen container is worse than a running one */
        nk_error *ignored = NULL;
        if (v2)
            nk_cg_write(dir, "cgroup.freeze", "0", &ignored);
        else
            nk_cg_write(dir, "freezer.state", "THAWED", &ignored);
        nk_error_free(ignored);
    }
    return ret;
}

int nk_cgroup_freeze(const char *cgroup_path, nk_error **err)
{
    return set_frozen(cgroup_path, true, err);
}

int nk_cgroup_thaw(const char *cgroup_path, nk_error **err)
{
    return set_frozen(cgroup_path, false, err);
}

/* The layout is looked up and the freezer's mount opened on first use. */
static int freezer_reader_open(nk_cgroup_freezer_reader *r, nk_error **err)
{
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    const char *mount = freezer_mount(&l, &r->v2);
    int ret = 0;
    r->mount_fd = -1; /* no freezer: nothing is ever frozen */
    if (mount != NULL && (r->mount_fd = nk_cg_open(mount, err)) < 0)
        ret = -1;
    nk_cg_layout_clear(&l);
    return ret;
}

int nk_cgroup_freezer_read(nk_cgroup_freezer_reader *r, const char *cgroup_path, char init_state,
                           bool *frozen, nk_error **err)
{
    *frozen = false;
    if (!r->v2_known) {
        r->v2 = nk_cg_host_unified();
        r->v2_known = true;
    }
    /* The v1 freezer leaves each task it froze in the kernel's refrigerator,
     * which /proc reports as D (TASK_UNINTERRUPTIBLE before 6.1, TASK_FROZEN
     * shown as D since): an init in any other state is not frozen, so its
     * cgroup is not FROZEN. Then only a FREEZING that has not reached init
     * yet goes unseen, a state runc does not report either (it waits it
     * out). Spares `list` three system calls and a kernfs walk for every
     * running container. v2 freezes tasks in an interruptible sleep (S). */
    if (!r->v2 && init_state != 0 && init_state != 'D')
        return 0; /* before the layout: `state` on v1 never looks it up */
    if (r->mount_fd == NK_CGROUP_FREEZER_UNOPENED && freezer_reader_open(r, err) < 0)
        return -1;
    if (r->mount_fd < 0)
        return 0;
    const char *file = r->v2 ? "cgroup.freeze" : "freezer.state";
    const char *rel = cgroup_path + strspn(cgroup_path, "/");
    char name[PATH_MAX];
    if ((size_t)snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "", file) >= sizeof(name))
        return nk_err(err, ENAMETOOLONG, "cgroup `%s`", cgroup_path);
    char value[32];
    ssize_t n = nk_read_small_at(r->mount_fd, name, O_NOFOLLOW, value, sizeof(value));
    if (n < 0) {
        if (errno == ENOENT)
            return 0; /* no cgroup (any more): nothing is frozen */
        return nk_err(err, errno, "read `%s` of cgroup `%s`", file, cgroup_path);
    }
    while (n > 0 && value[n - 1] == '\n')
        value[--n] = '\0';
    /* a freeze asked for counts as paused even before it settles, as for runc */
    *frozen = r->v2 ? strcmp(value, "1") == 0 : strcmp(value, "THAWED") != 0;
    return 0;
}

void nk_cgroup_freezer_reader_close(nk_cgroup_freezer_reader *r)
{
    if (r->mount_fd >= 0)
        close(r->mount_fd);
    r->mount_fd = NK_CGROUP_FREEZER_UNOPENED;
}

int nk_cgroup_is_frozen(const char *cgroup_path, bool *frozen, nk_error **err)
{
    nk_cgroup_freezer_reader r = NK_CGROUP_FREEZER_READER_INIT;
    int ret = nk_cgroup_freezer_read(&r, cgroup_path, 0, frozen, err);
    nk_cgroup_freezer_reader_close(&r);
    return ret;
}
