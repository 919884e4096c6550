/* linux.resources -> cgroup v1 files (and, on a hybrid host, hugetlb and
 * unified keys into the cgroup2 part). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/resources.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define P "linux.resources"

/* The container's directory in controller ctrl's hierarchy; an error names
 * json when the host lacks that controller. */
static char *dir_for(const nk_cg_layout *l, const char *ctrl, const char *path, const char *json,
                     nk_error **err)
{
    const char *m = nk_cg_v1_mount(l, ctrl);
    if (m == NULL) {
        nk_err(err, ENOTSUP, "%s: the %s cgroup controller is not available on this host", json,
               ctrl);
        return NULL;
    }
    return nk_cg_join(m, path, NULL);
}

static int set_i64(const char *dir, const char *file, int64_t v, const char *json, nk_error **err)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return nk_cg_set(dir, file, buf, json, err);
}

static int cpu(const nk_cg_layout *l, const char *path, const oci_cpu *c, nk_error **err)
{
    bool sched = c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
                 c->has_realtime_runtime || c->has_realtime_period;
    if (sched) {
        _cleanup_free_ char *dir = dir_for(l, "cpu", path, P ".cpu", err);
        if (dir == NULL)
            return -1;
        if (c->has_shares && c->shares != 0 &&
            set_i64(dir, "cpu.shares", (int64_t)c->shares, P ".cpu.shares", err) < 0)
            return -1;
        /* period first: the kernel checks quota against it */
        if (c->has_period && c->period != 0 &&
            set_i64(dir, "cpu.cfs_period_us", (int64_t)c->period, P ".cpu.period", err) < 0)
            return -1;
        if (c->has_quota && c->quota != 0 &&
            set_i64(dir, "cpu.cfs_quota_us", c->quota, P ".cpu.quota", err) < 0)
            return -1;
        if (c->has_burst &&
            set_i64(dir, "cpu.cfs_burst_us", (int64_t)c->burst, P ".cpu.burst", err) < 0)
            return -1;
        if (c->has_idle && set_i64(dir, "cpu.idle", c->idle, P ".cpu.idle", err) < 0)
            return -1;
        if (c->has_realtime_period && c->realtime_period != 0 &&
            set_i64(dir, "cpu.rt_period_us", (int64_t)c->realtime_period, P ".cpu.realtimePeriod",
                    err) < 0)
            return -1;
        if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
            set_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, P ".cpu.realtimeRuntime", err) <
                0)
            return -1;
    }
    if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
        _cleanup_free_ char *dir = dir_for(l, "cpuset", path, P ".cpu.cpus", err);
        if (dir == NULL)
            return -1;
        if (c->mems && *c->mems && nk_cg_set(dir, "cpuset.mems", c->mems, P ".cpu.mems", err) < 0)
            return -1;
        if (c->cpus && *c->cpus && nk_cg_set(dir, "cpuset.cpus", c->cpus, P ".cpu.cpus", err) < 0)
            return -1;
    }
    return 0;
}

/* memory.limit_in_bytes must stay <= memory.memsw.limit_in_bytes at every
 * step: raise memsw first when growing, lower the limit first when shrinking. */
static int memory_limits(const char *dir, const oci_memory *m, nk_error **err)
{
    bool limit = m->has_limit && m->limit != 0, swap = m->has_swap && m->swap != 0;
    _cleanup_free_ char *memsw = xasprintf("%s/memory.memsw.limit_in_bytes", dir);
    bool has_memsw = access(memsw, F_OK) == 0;
    if (swap && !has_memsw)
        return nk_err(err, ENOTSUP,
                      P ".memory.swap: the host has no swap accounting (memory.memsw.*)");
    if (swap && limit && m->swap != -1 && m->swap < m->limit)
        return nk_err(err, EINVAL,
                      P ".memory.swap: %" PRId64 " is below memory.limit %" PRId64
                        " (swap is memory+swap)",
                      m->swap, m->limit);
    if (!swap) {
        /* unlimited memory with swap unset: memsw unlimited too, like runc */
        if (limit && m->limit == -1 && has_memsw &&
            set_i64(dir, "memory.memsw.limit_in_bytes", -1, P ".memory.swap", err) < 0)
            return -1;
        return limit ? set_i64(dir, "memory.limit_in_bytes", m->limit, P ".memory.limit", err) : 0;
    }
    nk_error *e = NULL;
    if (limit && set_i64(dir, "memory.limit_in_bytes", m->limit, P ".memory.limit", &e) == 0) {
        return set_i64(dir, "memory.memsw.limit_in_bytes", m->swap, P ".memory.swap", err);
    }
    nk_error_free(e);
    if (set_i64(dir, "memory.memsw.limit_in_bytes", m->swap, P ".memory.swap", err) < 0)
        return -1;
    return limit ? set_i64(dir, "memory.limit_in_bytes", m->limit, P ".memory.limit", err) : 0;
}

static int memory(const nk_cg_layout *l, const char *path, const oci_memory *m, bool update,
                  nk_error **err)
{
    _cleanup_free_ char *dir = dir_for(l, "memory", path, P ".memory", err);
    if (dir == NULL)
        return -1;
    if (update && nk_cg_check_memory_usage(dir, "memory.usage_in_bytes", m, err) < 0)
        return -1;
    if (memory_limits(dir, m, err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        set_i64(dir, "memory.soft_limit_in_bytes", m->reservation, P ".memory.reservation", err) <
            0)
        return -1;
    if (m->has_swappiness &&
        set_i64(dir, "memory.swappiness", (int64_t)m->swappiness, P ".memory.swappiness", err) < 0)
        return -1;
    if (m->has_disable_oom_killer && m->disable_oom_killer &&
        nk_cg_set(dir, "memory.oom_control", "1", P ".memory.disableOOMKiller", err) < 0)
        return -1;
    return 0;
}

static int throttle(const char *dir, const oci_throttle_list *l, const char *file, const char *json,
                    nk_error **err)
{
    for (size_t i = 0; i < l->len; i++) {
        char buf[96];
        snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, l->items[i].major,
                 l->items[i].minor, l->items[i].rate);
        if (nk_cg_set(dir, file, buf, json, err) < 0)
            return -1;
    }
    return 0;
}

static int blockio(const nk_cg_layout *l, const char *path, const oci_blockio *b, nk_error **err)
{
    _cleanup_free_ char *dir = dir_for(l, "blkio", path, P ".blockIO", err);
    if (dir == NULL)
        return -1;
    /* CFQ's blkio.weight is gone with legacy block; BFQ provides the knob */
    _cleanup_free_ char *probe = xasprintf("%s/blkio.weight", dir);
    const char *weight = access(probe, F_OK) == 0 ? "blkio.weight" : "blkio.bfq.weight";
    if (b->has_weight && b->weight != 0 &&
        set_i64(dir, weight, b->weight, P ".blockIO.weight", err) < 0)
        return -1;
    if (b->has_leaf_weight && b->leaf_weight != 0 &&
        set_i64(dir, "blkio.leaf_weight", b->leaf_weight, P ".blockIO.leafWeight", err) < 0)
        return -1;
    for (size_t i = 0; i < b->n_weight_device; i++) {
        const oci_weight_device *w = &b->weight_device[i];
        char buf[96];
        if (!w->has_weight)
            continue;
        snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight);
        _cleanup_free_ char *file = xasprintf("%s_device", weight);
        if (nk_cg_set(dir, file, buf, P ".blockIO.weightDevice", err) < 0)
            return -1;
    }
    if (throttle(dir, &b->throttle_read_bps, "blkio.throttle.read_bps_device",
                 P ".blockIO.throttleReadBpsDevice", err) < 0 ||
        throttle(dir, &b->throttle_write_bps, "blkio.throttle.write_bps_device",
                 P ".blockIO.throttleWriteBpsDevice", err) < 0 ||
        throttle(dir, &b->throttle_read_iops, "blkio.throttle.read_iops_device",
                 P ".blockIO.throttleReadIOPSDevice", err) < 0 ||
        throttle(dir, &b->throttle_write_iops, "blkio.throttle.write_iops_device",
                 P ".blockIO.throttleWriteIOPSDevice", err) < 0)
        return -1;
    return 0;
}

static int hugetlb(const nk_cg_layout *l, const char *path, const oci_resources *r, nk_error **err)
{
    if (r->n_hugepage_limits == 0)
        return 0;
    if (nk_cg_v2_has(l, "hugetlb")) {
        /* nook does not write the hybrid host's root cgroup.subtree_control
         * (that tree belongs to the host's manager): it must enable it */
        _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
        _cleanup_free_ char *ctrls = NULL;
        if (nk_cg_read(dir, "cgroup.controllers", &ctrls, err) < 0)
            return -1;
        if (strstr(ctrls, "hugetlb") == NULL)
            return nk_err(err, ENOTSUP,
                          P ".hugepageLimits: the hugetlb controller is not enabled for `%s` "
                            "(the cgroup2 parent's cgroup.subtree_control lacks it)",
                          dir);
        return nk_cg_hugetlb_v2(dir, r, err);
    }
    _cleanup_free_ char *dir = dir_for(l, "hugetlb", path, P ".hugepageLimits", err);
    if (dir == NULL)
        return -1;
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const oci_hugepage_limit *h = &r->hugepage_limits[i];
        _cleanup_free_ char *json = xasprintf(P ".hugepageLimits[%zu]", i);
        if (strchr(h->page_size, '/') != NULL)
            return nk_err(err, EINVAL, "%s.pageSize: bad size \"%s\"", json, h->page_size);
        _cleanup_free_ char *file = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
        if (set_i64(dir, file, (int64_t)h->limit, json, err) < 0)
            return -1;
    }
    return 0;
}

int nk_cg_apply_v1(const nk_cg_layout *l, const char *path, const nk_cg_apply *a, nk_error **err)
{
    const oci_resources *r = a->r;
    if (r->has_cpu && cpu(l, path, &r->cpu, err) < 0)
        return -1;
    if (r->has_memory && memory(l, path, &r->memory, a->update, err) < 0)
        return -1;
    if (r->has_pids_limit) {
        _cleanup_free_ char *dir = dir_for(l, "pids", path, P ".pids", err);
        char buf[32];
        nk_cg_limit_str(r->pids_limit, buf, sizeof(buf));
        if (dir == NULL || nk_cg_set(dir, "pids.max", buf, P ".pids.limit", err) < 0)
            return -1;
    }
    if (r->has_blockio && blockio(l, path, &r->blockio, err) < 0)
        return -1;
    if (hugetlb(l, path, r, err) < 0)
        return -1;
    if (r->n_rdma) {
        _cleanup_free_ char *dir = dir_for(l, "rdma", path, P ".rdma", err);
        if (dir == NULL)
            return -1;
        return nk_err(err, ENOTSUP, P ".rdma: not supported on cgroup v1 by this version of nook");
    }
    if (r->unified.len > 0) {
        if (l->unified == NULL)
            return nk_err(err, ENOTSUP, P ".unified: the host has no cgroup v2 hierarchy");
        /* hybrid: the keys go to the cgroup2 part, where they exist */
        _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
        return nk_cg_unified(dir, &r->unified, err);
    }
    return 0;
}
