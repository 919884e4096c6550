/* linux.resources -> cgroup v2 files. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/resources.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define P "linux.resources"

int nk_cg_set(const char *dir, const char *file, const char *value, const char *json,
              nk_error **err)
{
    nk_error *e = NULL;
    if (nk_cg_write(dir, file, value, &e) == 0)
        return 0;
    int errnum = e->errnum;
    if (errnum == ENOENT) {
        nk_error_free(e);
        return nk_err(err, ENOTSUP, "%s: `%s` does not exist: not supported by this kernel", json,
                      file);
    }
    *err = e;
    return nk_err_wrap(err, "%s", json);
}

int nk_cg_check_memory_usage(const char *dir, const char *usage_file, const oci_memory *m,
                             nk_error **err)
{
    if (!m->has_check_before_update || !m->check_before_update || !m->has_limit || m->limit <= 0)
        return 0;
    uint64_t usage;
    if (nk_cg_read_u64(dir, usage_file, &usage, err) < 0)
        return nk_err_wrap(err, P ".memory.checkBeforeUpdate");
    if ((uint64_t)m->limit < usage)
        return nk_err(err, EBUSY,
                      P ".memory.limit: %" PRId64 " is below the current usage %" PRIu64
                        " (checkBeforeUpdate)",
                      m->limit, usage);
    return 0;
}

const char *const *nk_cg_needed_v2(const oci_resources *r)
{
    static const char *v[16];
    size_t n = 0;
    const oci_cpu *c = &r->cpu;
    if (r->has_cpu &&
        (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle)) {
        v[n++] = "cpu";
        v[n++] = P ".cpu";
    }
    if (r->has_cpu && ((c->cpus && *c->cpus) || (c->mems && *c->mems))) {
        v[n++] = "cpuset";
        v[n++] = P ".cpu.cpus";
    }
    if (r->has_memory) {
        v[n++] = "memory";
        v[n++] = P ".memory";
    }
    if (r->has_pids_limit) {
        v[n++] = "pids";
        v[n++] = P ".pids";
    }
    if (r->has_blockio) {
        v[n++] = "io";
        v[n++] = P ".blockIO";
    }
    if (r->n_hugepage_limits) {
        v[n++] = "hugetlb";
        v[n++] = P ".hugepageLimits";
    }
    if (r->n_rdma) {
        v[n++] = "rdma";
        v[n++] = P ".rdma";
    }
    v[n] = NULL;
    return v;
}

static int set_u64(const char *dir, const char *file, uint64_t v, const char *json, nk_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return nk_cg_set(dir, file, buf, json, err);
}

static int cpu_max(const char *dir, const oci_cpu *c, nk_error **err)
{
    if (!(c->has_quota && c->quota != 0) && !(c->has_period && c->period != 0))
        return 0;
    char quota[32] = "max";
    if (c->has_quota && c->quota > 0)
        snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
    else if (!c->has_quota) {
        /* only the period changes: keep the quota there is */
        _cleanup_free_ char *cur = NULL;
        if (nk_cg_read(dir, "cpu.max", &cur, err) < 0)
            return nk_err_wrap(err, P ".cpu.period");
        snprintf(quota, sizeof(quota), "%.*s", (int)strcspn(cur, " "), cur);
    }
    char buf[64];
    if (c->has_period && c->period != 0)
        snprintf(buf, sizeof(buf), "%s %" PRIu64, quota, c->period);
    else
        snprintf(buf, sizeof(buf), "%s", quota);
    return nk_cg_set(dir, "cpu.max", buf, P ".cpu.quota", err);
}

static int cpu(const char *dir, const oci_cpu *c, nk_error **err)
{
    if (c->has_realtime_runtime || c->has_realtime_period)
        return nk_err(err, ENOTSUP,
                      P ".cpu.%s: realtime scheduling limits do not exist on cgroup v2",
                      c->has_realtime_runtime ? "realtimeRuntime" : "realtimePeriod");
    if (c->has_shares && c->shares != 0 &&
        set_u64(dir, "cpu.weight", nk_cg_shares_to_weight(c->shares), P ".cpu.shares", err) < 0)
        return -1;
    if (cpu_max(dir, c, err) < 0)
        return -1;
    if (c->has_burst && set_u64(dir, "cpu.max.burst", c->burst, P ".cpu.burst", err) < 0)
        return -1;
    if (c->has_idle && set_u64(dir, "cpu.idle", (uint64_t)c->idle, P ".cpu.idle", err) < 0)
        return -1;
    /* mems before cpus, and both only when given */
    if (c->mems && *c->mems && nk_cg_set(dir, "cpuset.mems", c->mems, P ".cpu.mems", err) < 0)
        return -1;
    if (c->cpus && *c->cpus && nk_cg_set(dir, "cpuset.cpus", c->cpus, P ".cpu.cpus", err) < 0)
        return -1;
    return 0;
}

static int memory(const char *dir, const oci_memory *m, bool update, nk_error **err)
{
    if (m->has_swappiness)
        return nk_err(err, ENOTSUP, P ".memory.swappiness: does not exist on cgroup v2");
    if (m->has_disable_oom_killer && m->disable_oom_killer)
        return nk_err(err, ENOTSUP, P ".memory.disableOOMKiller: does not exist on cgroup v2");
    if (update && nk_cg_check_memory_usage(dir, "memory.current", m, err) < 0)
        return -1;
    char buf[32];
    bool write_swap;
    if (nk_cg_swap_max(m, &write_swap, buf, sizeof(buf), err) < 0)
        return -1;
    /* swap first: memory.max then never sees a combination that is over */
    if (write_swap && nk_cg_set(dir, "memory.swap.max", buf, P ".memory.swap", err) < 0)
        return -1;
    if (m->has_limit && m->limit != 0) {
        nk_cg_limit_str(m->limit, buf, sizeof(buf));
        if (nk_cg_set(dir, "memory.max", buf, P ".memory.limit", err) < 0)
            return -1;
    }
    if (m->has_reservation && m->reservation != 0) {
        nk_cg_limit_str(m->reservation, buf, sizeof(buf));
        if (nk_cg_set(dir, "memory.low", buf, P ".memory.reservation", err) < 0)
            return -1;
    }
    return 0;
}

static int io_lines(const char *dir, const oci_throttle_list *l, const char *key, const char *json,
                    nk_error **err)
{
    for (size_t i = 0; i < l->len; i++) {
        char buf[96];
        const oci_throttle_device *d = &l->items[i];
        snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor, key,
                 d->rate);
        if (nk_cg_set(dir, "io.max", buf, json, err) < 0)
            return -1;
    }
    return 0;
}

static int blockio(const char *dir, const oci_blockio *b, nk_error **err)
{
    char buf[96];
    if (b->has_weight && b->weight != 0) {
        snprintf(buf, sizeof(buf), "default %" PRIu64, nk_cg_blkio_to_io_weight(b->weight));
        if (nk_cg_set(dir, "io.weight", buf, P ".blockIO.weight", err) < 0)
            return -1;
    }
    if (b->has_leaf_weight)
        return nk_err(err, ENOTSUP, P ".blockIO.leafWeight: does not exist on cgroup v2");
    for (size_t i = 0; i < b->n_weight_device; i++) {
        const oci_weight_device *w = &b->weight_device[i];
        if (!w->has_weight)
            continue;
        snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
                 nk_cg_blkio_to_io_weight(w->weight));
        if (nk_cg_set(dir, "io.weight", buf, P ".blockIO.weightDevice", err) < 0)
            return -1;
    }
    if (io_lines(dir, &b->throttle_read_bps, "rbps", P ".blockIO.throttleReadBpsDevice", err) < 0 ||
        io_lines(dir, &b->throttle_write_bps, "wbps", P ".blockIO.throttleWriteBpsDevice", err) <
            0 ||
        io_lines(dir, &b->throttle_read_iops, "riops", P ".blockIO.throttleReadIOPSDevice", err) <
            0 ||
        io_lines(dir, &b->throttle_write_iops, "wiops", P ".blockIO.throttleWriteIOPSDevice", err) <
            0)
        return -1;
    return 0;
}

int nk_cg_hugetlb_v2(const char *dir, const oci_resources *r, nk_error **err)
{
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const oci_hugepage_limit *h = &r->hugepage_limits[i];
        _cleanup_free_ char *json = xasprintf(P ".hugepageLimits[%zu]", i);
        if (strchr(h->page_size, '/') != NULL || strchr(h->page_size, '.') != NULL)
            return nk_err(err, EINVAL, "%s.pageSize: bad size \"%s\"", json, h->page_size);
        _cleanup_free_ char *file = xasprintf("hugetlb.%s.max", h->page_size);
        if (set_u64(dir, file, h->limit, json, err) < 0)
            return -1;
        /* reservations too, so a mmap that reserved cannot fault later */
        _cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
        nk_error *e = NULL;
        if (set_u64(dir, rsvd, h->limit, json, &e) < 0 && e->errnum != ENOTSUP) {
            *err = e;
            return -1;
        }
        nk_error_free(e);
    }
    return 0;
}

static int rdma(const char *dir, const oci_resources *r, nk_error **err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        const oci_rdma *d = &r->rdma[i];
        if (strchr(d->device, ' ') || strchr(d->device, '\n'))
            return nk_err(err, EINVAL, P ".rdma: bad device name \"%s\"", d->device);
        char h[32] = "max", o[32] = "max";
        if (d->has_hca_handles)
            snprintf(h, sizeof(h), "%u", d->hca_handles);
        if (d->has_hca_objects)
            snprintf(o, sizeof(o), "%u", d->hca_objects);
        _cleanup_free_ char *line = xasprintf("%s hca_handle=%s hca_object=%s", d->device, h, o);
        _cleanup_free_ char *json = xasprintf(P ".rdma.%s", d->device);
        if (nk_cg_set(dir, "rdma.max", line, json, err) < 0)
            return -1;
    }
    return 0;
}

int nk_cg_unified(const char *dir, const oci_map *u, nk_error **err)
{
    for (size_t i = 0; i < u->len; i++) {
        _cleanup_free_ char *json = xasprintf(P ".unified.%s", u->items[i].key);
        nk_error *e = NULL;
        if (nk_cg_set(dir, u->items[i].key, u->items[i].value, json, &e) < 0) {
            if (e->errnum == ENOTSUP) {
                nk_error_free(e);
                return nk_err(err, EINVAL, "%s: unknown cgroup file", json);
            }
            *err = e;
            return -1;
        }
    }
    return 0;
}

int nk_cg_apply_v2(const char *dir, const nk_cg_apply *a, nk_error **err)
{
    const oci_resources *r = a->r;
    if (r->has_cpu && cpu(dir, &r->cpu, err) < 0)
        return -1;
    if (r->has_memory && memory(dir, &r->memory, a->update, err) < 0)
        return -1;
    if (r->has_pids_limit) {
        char buf[32];
        nk_cg_limit_str(r->pids_limit, buf, sizeof(buf));
        if (nk_cg_set(dir, "pids.max", buf, P ".pids.limit", err) < 0)
            return -1;
    }
    if (r->has_blockio && blockio(dir, &r->blockio, err) < 0)
        return -1;
    if (nk_cg_hugetlb_v2(dir, r, err) < 0 || rdma(dir, r, err) < 0)
        return -1;
    /* last: a unified key overrides what the fields above wrote */
    return nk_cg_unified(dir, &r->unified, err);
}
