/* The cgroup-facing commands on a container: update, pause/resume, ps,
 * events, and kill --all/delete --force through its cgroup. The cgroup is
 * found by nook.cgroupPath in state.json. */
#include "container_ops.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cgroups/ops.h"
#include "container.h"
#include "oci/events_json.h"
#include "oci/resources_json.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/proc.h"
#include "util/xalloc.h"

#define RESOURCES_FILE "resources.json"
/* how long delete waits for SIGKILLed processes to leave the cgroup */
#define EMPTY_TIMEOUT_MS 10000

static int need_cgroup(const nk_state *s, nk_error **err)
{
    if (s->cgroup_path == NULL)
        return nk_err(err, 0, "container %s has no cgroup", s->id);
    return 0;
}

/* Opens <root>/<id> with lock and loads its state. */
static int open_state(nk_context *ctx, const char *id, int lock, nk_state_dir *d, nk_state **s,
                      nk_error **err)
{
    d->fd = -1;
    d->path = d->id = NULL;
    if (nk_validate_id(id, err) < 0 || nk_state_dir_open(ctx, id, lock, d, err) < 0 ||
        nk_state_load(d, s, err) < 0)
        return -1;
    return 0;
}

int nk_state_kill_all(const nk_state *s, int sig, nk_error **err)
{
    if (need_cgroup(s, err) < 0)
        return -1;
    return nk_cgroup_kill_all(s->cgroup_path, sig, err);
}

int nk_state_kill_leftovers(const nk_state *s, nk_error **err)
{
    if (s->cgroup_path == NULL)
        return 0;
    bool exists;
    if (nk_cgroup_exists(s->cgroup_path, &exists, err) < 0)
        return -1;
    if (!exists)
        return 0;
    if (nk_cgroup_kill_all(s->cgroup_path, SIGKILL, err) < 0)
        return -1;
    return nk_cgroup_wait_empty(s->cgroup_path, EMPTY_TIMEOUT_MS, err);
}

/* ---------- pause / resume ---------- */

int nk_container_pause(nk_context *ctx, const char *id, nk_error **err)
{
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    int ret = open_state(ctx, id, LOCK_EX, &d, &s, err);
    if (ret == 0) {
        if (strcmp(s->status, "paused") == 0)
            ret = nk_err(err, 0, "container already paused");
        else if (strcmp(s->status, "running") != 0 && strcmp(s->status, "created") != 0)
            ret = nk_err(err, 0, "container not running");
        else if ((ret = need_cgroup(s, err)) == 0)
            ret = nk_cgroup_freeze(s->cgroup_path, err);
    }
    nk_state_dir_close(&d);
    return ret;
}

int nk_container_resume(nk_context *ctx, const char *id, nk_error **err)
{
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    int ret = open_state(ctx, id, LOCK_EX, &d, &s, err);
    if (ret == 0) {
        if (strcmp(s->status, "paused") != 0)
            ret = nk_err(err, 0, "container not paused");
        else
            ret = nk_cgroup_thaw(s->cgroup_path, err);
    }
    nk_state_dir_close(&d);
    return ret;
}

/* ---------- ps ---------- */

int nk_container_pids(nk_context *ctx, const char *id, pid_t **pids, size_t *n, nk_error **err)
{
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    /* no lock: ps must not wait behind a pause or a long update */
    int ret = open_state(ctx, id, 0, &d, &s, err);
    nk_state_dir_close(&d);
    if (ret < 0 || need_cgroup(s, err) < 0)
        return -1;
    return nk_cgroup_pids(s->cgroup_path, pids, n, err);
}

/* ---------- update ---------- */

/* What is in force now: the last update's result, else config.json's. */
static int current_resources(const nk_state_dir *d, const nk_state *s, oci_resources **out,
                             nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (nk_read_file_at(d->fd, RESOURCES_FILE, &json, &len, err) == 0)
        return oci_resources_parse(json, len, out, err) < 0
                   ? nk_err_wrap(err, "`%s/%s`", d->path, RESOURCES_FILE)
                   : 0;
    if ((*err)->errnum != ENOENT)
        return -1;
    nk_error_freep(err);
    _cleanup_free_ char *path = xasprintf("%s/config.json", s->bundle);
    _cleanup_config_ oci_config *c = NULL;
    if (oci_config_load(path, &c, err) < 0)
        return -1;
    *out = oci_resources_dup(&c->linux.resources);
    return 0;
}

/* The patch, completed with the values its files are computed from:
 * memory.swap.max needs limit and swap, cpu.max needs quota and period. */
static oci_resources *to_apply(const oci_resources *patch, const oci_resources *merged)
{
    oci_resources *a = oci_resources_dup(patch);
    oci_memory *am = &a->memory;
    const oci_memory *mm = &merged->memory;
    if (am->has_limit || am->has_swap) {
        if (!am->has_limit && mm->has_limit) {
            am->has_limit = true;
            am->limit = mm->limit;
        }
        if (!am->has_swap && mm->has_swap) {
            am->has_swap = true;
            am->swap = mm->swap;
        }
    }
    oci_cpu *ac = &a->cpu;
    const oci_cpu *mc = &merged->cpu;
    if (ac->has_quota || ac->has_period) {
        if (!ac->has_quota && mc->has_quota) {
            ac->has_quota = true;
            ac->quota = mc->quota;
        }
        if (!ac->has_period && mc->has_period) {
            ac->has_period = true;
            ac->period = mc->period;
        }
    }
    return a;
}

/* runc's update (flags and --resources alike) treats 0 as "leave as is" for
 * these: scripts pass `--cpu-period 0` meaning the default, and writing 0 to
 * memory.max or pids.max would starve the container. */
static void drop_zeros(oci_resources *r)
{
    oci_memory *m = &r->memory;
    oci_cpu *c = &r->cpu;
    m->has_limit &= m->limit != 0;
    m->has_reservation &= m->reservation != 0;
    m->has_swap &= m->swap != 0;
    c->has_shares &= c->shares != 0;
    c->has_quota &= c->quota != 0;
    c->has_period &= c->period != 0;
    c->has_realtime_runtime &= c->realtime_runtime != 0;
    c->has_realtime_period &= c->realtime_period != 0;
    r->has_pids_limit &= r->pids_limit != 0;
    r->blockio.has_weight &= r->blockio.weight != 0;
}

/* A new memory limit without a swap keeps the swap headroom (swap - limit)
 * the container had, as v2's memory.swap.max does by itself: 32m/32m (no
 * swap) updated with --memory 256m stays without swap instead of failing
 * because swap (memory+swap) would be below the limit. */
static void keep_swap_headroom(const oci_memory *cur, oci_memory *m)
{
    if (!m->has_limit || m->has_swap || !cur->has_swap || !cur->has_limit || cur->swap < 0 ||
        cur->limit <= 0 || cur->swap < cur->limit)
        return;
    m->has_swap = true;
    if (m->limit < 0 || cur->swap - cur->limit > INT64_MAX - m->limit)
        m->swap = -1;
    else
        m->swap = m->limit + (cur->swap - cur->limit);
}

static int save_resources(const nk_state_dir *d, const oci_resources *r, nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (oci_resources_to_json(r, &json, &len, err) < 0)
        return -1;
    _cleanup_free_ char *path = xasprintf("%s/%s", d->path, RESOURCES_FILE);
    return nk_write_file_atomic(path, json, len, 0600, err);
}

static int update_locked(const nk_state_dir *d, const nk_state *s, const oci_resources *patch,
                         nk_error **err)
{
    if (strcmp(s->status, "stopped") == 0)
        return nk_err(err, 0, "container not running");
    if (need_cgroup(s, err) < 0)
        return -1;
    oci_resources *merged = NULL;
    if (current_resources(d, s, &merged, err) < 0)
        return -1;
    oci_resources *p = oci_resources_dup(patch);
    drop_zeros(p);
    keep_swap_headroom(&merged->memory, &p->memory);
    oci_resources_merge(merged, p);
    oci_resources *apply = to_apply(p, merged);
    oci_resources_free(p);
    /* checkBeforeUpdate is a question for this update, not a setting to keep */
    merged->memory.has_check_before_update = false;
    int ret = nk_cgroup_update(s->cgroup_path, apply, err);
    if (ret == 0)
        ret = save_resources(d, merged, err);
    oci_resources_free(apply);
    oci_resources_free(merged);
    return ret;
}

int nk_container_update(nk_context *ctx, const char *id, const oci_resources *patch, nk_error **err)
{
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    int ret = open_state(ctx, id, LOCK_EX, &d, &s, err);
    if (ret == 0)
        ret = update_locked(&d, s, patch, err);
    nk_state_dir_close(&d);
    return ret;
}

/* ---------- events ---------- */

static int print_line(FILE *out, const char *json, nk_error **err)
{
    if (fprintf(out, "%s\n", json) < 0 || fflush(out) != 0)
        return nk_err(err, errno, "write events");
    return 0;
}

static int print_stats(FILE *out, const nk_state *s, nk_error **err)
{
    nk_cgroup_stats st;
    if (nk_cgroup_stats_read(s->cgroup_path, &st, err) < 0)
        return -1;
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    int ret = oci_stats_event_to_json(s->id, &st, &json, &len, err);
    nk_cgroup_stats_clear(&st);
    return ret < 0 ? -1 : print_line(out, json, err);
}

static int print_ooms(FILE *out, const nk_state *s, nk_cgroup_oom_watch *w, nk_error **err)
{
    uint64_t n;
    if (nk_cgroup_oom_watch_read(w, &n, err) < 0)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        _cleanup_free_ char *json = NULL;
        size_t len = 0;
        if (oci_event_to_json("oom", s->id, &json, &len, err) < 0 || print_line(out, json, err) < 0)
            return -1;
    }
    return 0;
}

static int stream_events(const nk_state *s, const nk_events_opts *o, nk_error **err)
{
    nk_cgroup_oom_watch w;
    if (nk_cgroup_oom_watch_open(s->cgroup_path, &w, err) < 0)
        return -1;
    /* the init's pidfd turns readable when it exits: the stream ends then */
    _cleanup_close_ int pidfd = nk_pidfd_open(s->pid);
    int ret = 0;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (ret == 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long wait = (next.tv_sec - now.tv_sec) * 1000 + (next.tv_nsec - now.tv_nsec) / 1000000;
        if (wait <= 0) {
            if (!nk_proc_is_alive(s->pid, s->init_start_time))
                break;
            ret = print_stats(o->out, s, err);
            next.tv_sec += o->interval_ms / 1000;
            next.tv_nsec += (long)(o->interval_ms % 1000) * 1000000;
            if (next.tv_nsec >= 1000000000) {
                next.tv_sec++;
                next.tv_nsec -= 1000000000;
            }
            continue;
        }
        struct pollfd p[2] = {{.fd = w.fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        int r = poll(p, 2, (int)wait);
        if (r < 0 && errno != EINTR)
            ret = nk_err(err, errno, "poll");
        if (r > 0 && p[0].revents != 0)
            ret = print_ooms(o->out, s, &w, err);
        if (ret == 0 && r > 0 && p[1].revents != 0) {
            /* report an OOM kill of init itself before ending */
            if (w.fd >= 0)
                ret = print_ooms(o->out, s, &w, err);
            break;
        }
    }
    nk_cgroup_oom_watch_close(&w);
    return ret;
}

int nk_container_events(nk_context *ctx, const char *id, const nk_events_opts *o, nk_error **err)
{
    nk_state_dir d;
    _cleanup_state_ nk_state *s = NULL;
    int ret = open_state(ctx, id, 0, &d, &s, err);
    nk_state_dir_close(&d);
    if (ret < 0)
        return -1;
    if (strcmp(s->status, "stopped") == 0)
        return nk_err(err, 0, "container not running");
    if (need_cgroup(s, err) < 0)
        return -1;
    if (o->stats_once)
        return print_stats(o->out, s, err);
    return stream_events(s, o, err);
}
