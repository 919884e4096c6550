/* linux.resources back to JSON, and merging an `update` into it. */
#include "oci/resources_json.h"

#include <stdlib.h>
#include <string.h>

#include "oci/config_internal.h"
#include "oci/json_write.h"
#include "util/xalloc.h"

static void write_devices(jw *w, const oci_resources *r)
{
    if (r->n_devices == 0)
        return;
    jw_key(w, "devices");
    jw_open_array(w);
    for (size_t i = 0; i < r->n_devices; i++) {
        const oci_device_cgroup *d = &r->devices[i];
        jw_open_map(w);
        jw_kbool(w, "allow", d->allow);
        if (d->type != 0) {
            char t[2] = {d->type, '\0'};
            jw_kstr(w, "type", t);
        }
        if (d->has_major)
            jw_kint(w, "major", d->major);
        if (d->has_minor)
            jw_kint(w, "minor", d->minor);
        if (d->access != NULL)
            jw_kstr(w, "access", d->access);
        jw_close_map(w);
    }
    jw_close_array(w);
}

static void write_memory(jw *w, const oci_memory *m)
{
    jw_key(w, "memory");
    jw_open_map(w);
    if (m->has_limit)
        jw_kint(w, "limit", m->limit);
    if (m->has_reservation)
        jw_kint(w, "reservation", m->reservation);
    if (m->has_swap)
        jw_kint(w, "swap", m->swap);
    if (m->has_kernel)
        jw_kint(w, "kernel", m->kernel);
    if (m->has_kernel_tcp)
        jw_kint(w, "kernelTCP", m->kernel_tcp);
    if (m->has_swappiness)
        jw_kuint(w, "swappiness", m->swappiness);
    if (m->has_disable_oom_killer)
        jw_kbool(w, "disableOOMKiller", m->disable_oom_killer);
    if (m->has_use_hierarchy)
        jw_kbool(w, "useHierarchy", m->use_hierarchy);
    if (m->has_check_before_update)
        jw_kbool(w, "checkBeforeUpdate", m->check_before_update);
    jw_close_map(w);
}

static void write_cpu(jw *w, const oci_cpu *c)
{
    jw_key(w, "cpu");
    jw_open_map(w);
    if (c->has_shares)
        jw_kuint(w, "shares", c->shares);
    if (c->has_quota)
        jw_kint(w, "quota", c->quota);
    if (c->has_burst)
        jw_kuint(w, "burst", c->burst);
    if (c->has_period)
        jw_kuint(w, "period", c->period);
    if (c->has_realtime_runtime)
        jw_kint(w, "realtimeRuntime", c->realtime_runtime);
    if (c->has_realtime_period)
        jw_kuint(w, "realtimePeriod", c->realtime_period);
    if (c->cpus != NULL)
        jw_kstr(w, "cpus", c->cpus);
    if (c->mems != NULL)
        jw_kstr(w, "mems", c->mems);
    if (c->has_idle)
        jw_kint(w, "idle", c->idle);
    jw_close_map(w);
}

static void write_throttle(jw *w, const char *key, const oci_throttle_list *l)
{
    if (l->len == 0)
        return;
    jw_key(w, key);
    jw_open_array(w);
    for (size_t i = 0; i < l->len; i++) {
        jw_open_map(w);
        jw_kint(w, "major", l->items[i].major);
        jw_kint(w, "minor", l->items[i].minor);
        jw_kuint(w, "rate", l->items[i].rate);
        jw_close_map(w);
    }
    jw_close_array(w);
}

static void write_blockio(jw *w, const oci_blockio *b)
{
    jw_key(w, "blockIO");
    jw_open_map(w);
    if (b->has_weight)
        jw_kuint(w, "weight", b->weight);
    if (b->has_leaf_weight)
        jw_kuint(w, "leafWeight", b->leaf_weight);
    if (b->n_weight_device > 0) {
        jw_key(w, "weightDevice");
        jw_open_array(w);
        for (size_t i = 0; i < b->n_weight_device; i++) {
            const oci_weight_device *d = &b->weight_device[i];
            jw_open_map(w);
            jw_kint(w, "major", d->major);
            jw_kint(w, "minor", d->minor);
            if (d->has_weight)
                jw_kuint(w, "weight", d->weight);
            if (d->has_leaf_weight)
                jw_kuint(w, "leafWeight", d->leaf_weight);
            jw_close_map(w);
        }
        jw_close_array(w);
    }
    write_throttle(w, "throttleReadBpsDevice", &b->throttle_read_bps);
    write_throttle(w, "throttleWriteBpsDevice", &b->throttle_write_bps);
    write_throttle(w, "throttleReadIOPSDevice", &b->throttle_read_iops);
    write_throttle(w, "throttleWriteIOPSDevice", &b->throttle_write_iops);
    jw_close_map(w);
}

static void write_lists(jw *w, const oci_resources *r)
{
    if (r->n_hugepage_limits > 0) {
        jw_key(w, "hugepageLimits");
        jw_open_array(w);
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
            jw_open_map(w);
            jw_kstr(w, "pageSize", r->hugepage_limits[i].page_size);
            jw_kuint(w, "limit", r->hugepage_limits[i].limit);
            jw_close_map(w);
        }
        jw_close_array(w);
    }
    if (r->has_network) {
        jw_key(w, "network");
        jw_open_map(w);
        if (r->has_class_id)
            jw_kuint(w, "classID", r->net_class_id);
        if (r->n_net_priorities > 0) {
            jw_key(w, "priorities");
            jw_open_array(w);
            for (size_t i = 0; i < r->n_net_priorities; i++) {
                jw_open_map(w);
                jw_kstr(w, "name", r->net_priorities[i].name);
                jw_kuint(w, "priority", r->net_priorities[i].priority);
                jw_close_map(w);
            }
            jw_close_array(w);
        }
        jw_close_map(w);
    }
    if (r->n_rdma > 0) {
        jw_key(w, "rdma");
        jw_open_map(w);
        for (size_t i = 0; i < r->n_rdma; i++) {
            jw_key(w, r->rdma[i].device);
            jw_open_map(w);
            if (r->rdma[i].has_hca_handles)
                jw_kuint(w, "hcaHandles", r->rdma[i].hca_handles);
            if (r->rdma[i].has_hca_objects)
                jw_kuint(w, "hcaObjects", r->rdma[i].hca_objects);
            jw_close_map(w);
        }
        jw_close_map(w);
    }
    if (r->unified.len > 0) {
        jw_key(w, "unified");
        jw_open_map(w);
        for (size_t i = 0; i < r->unified.len; i++)
            jw_kstr(w, r->unified.items[i].key, r->unified.items[i].value);
        jw_close_map(w);
    }
}

int oci_resources_to_json(const oci_resources *r, char **out, size_t *len, nk_error **err)
{
    jw w;
    jw_init(&w, NULL);
    jw_open_map(&w);
    write_devices(&w, r);
    if (r->has_memory)
        write_memory(&w, &r->memory);
    if (r->has_cpu)
        write_cpu(&w, &r->cpu);
    if (r->has_pids) {
        jw_key(&w, "pids");
        jw_open_map(&w);
        if (r->has_pids_limit)
            jw_kint(&w, "limit", r->pids_limit);
        jw_close_map(&w);
    }
    if (r->has_blockio)
        write_blockio(&w, &r->blockio);
    write_lists(&w, r);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}

oci_resources *oci_resources_dup(const oci_resources *src)
{
    /* through JSON: one place knows every field, and it is not hot */
    char *json = NULL;
    size_t len = 0;
    nk_error *err = NULL;
    oci_resources *copy = NULL;
    if (oci_resources_to_json(src, &json, &len, &err) < 0 ||
        oci_resources_parse(json, len, &copy, &err) < 0)
        abort(); /* our own output always parses: a failure is a bug */
    free(json);
    return copy;
}

static void merge_memory(oci_memory *d, const oci_memory *p)
{
#define TAKE(has, field)                                                                           \
    if (p->has) {                                                                                  \
        d->has = true;                                                                             \
        d->field = p->field;                                                                       \
    }
    TAKE(has_limit, limit);
    TAKE(has_reservation, reservation);
    TAKE(has_swap, swap);
    TAKE(has_kernel, kernel);
    TAKE(has_kernel_tcp, kernel_tcp);
    TAKE(has_swappiness, swappiness);
    TAKE(has_disable_oom_killer, disable_oom_killer);
    TAKE(has_use_hierarchy, use_hierarchy);
    TAKE(has_check_before_update, check_before_update);
}

static void merge_cpu(oci_cpu *d, const oci_cpu *p)
{
    TAKE(has_shares, shares);
    TAKE(has_quota, quota);
    TAKE(has_burst, burst);
    TAKE(has_period, period);
    TAKE(has_realtime_runtime, realtime_runtime);
    TAKE(has_realtime_period, realtime_period);
    TAKE(has_idle, idle);
    if (p->cpus != NULL) {
        free(d->cpus);
        d->cpus = xstrdup(p->cpus);
    }
    if (p->mems != NULL) {
        free(d->mems);
        d->mems = xstrdup(p->mems);
    }
}

static void merge_blockio(oci_blockio *d, const oci_blockio *p)
{
    TAKE(has_weight, weight);
    TAKE(has_leaf_weight, leaf_weight);
#undef TAKE
}

/* Swaps a list of a scratch copy of the patch with dst's: freeing the copy
 * then frees dst's old list. */
#define MOVE_LIST(dptr, dlen, sptr, slen)                                                          \
    do {                                                                                           \
        if ((slen) > 0) {                                                                          \
            void *old_ = (dptr);                                                                   \
            size_t old_len_ = (dlen);                                                              \
            (dptr) = (sptr);                                                                       \
            (dlen) = (slen);                                                                       \
            (sptr) = old_;                                                                         \
            (slen) = old_len_;                                                                     \
        }                                                                                          \
    } while (0)

static void set_unified(oci_map *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->len; i++) {
        if (strcmp(m->items[i].key, key) == 0) {
            free(m->items[i].value);
            m->items[i].value = xstrdup(value);
            return;
        }
    }
    m->items = xreallocarray(m->items, m->len + 1, sizeof(*m->items));
    m->items[m->len].key = xstrdup(key);
    m->items[m->len].value = xstrdup(value);
    m->len++;
}

void oci_resources_merge(oci_resources *dst, const oci_resources *patch)
{
    if (patch->has_memory) {
        dst->has_memory = true;
        merge_memory(&dst->memory, &patch->memory);
    }
    if (patch->has_cpu) {
        dst->has_cpu = true;
        merge_cpu(&dst->cpu, &patch->cpu);
    }
    if (patch->has_pids_limit) {
        dst->has_pids = dst->has_pids_limit = true;
        dst->pids_limit = patch->pids_limit;
    }
    if (patch->has_blockio) {
        dst->has_blockio = true;
        merge_blockio(&dst->blockio, &patch->blockio);
    }
    if (patch->has_class_id) {
        dst->has_network = dst->has_class_id = true;
        dst->net_class_id = patch->net_class_id;
    }
    for (size_t i = 0; i < patch->unified.len; i++)
        set_unified(&dst->unified, patch->unified.items[i].key, patch->unified.items[i].value);

    /* lists: a copy of the patch donates its arrays, dst's old ones are freed with it */
    oci_resources *p = oci_resources_dup(patch);
    MOVE_LIST(dst->devices, dst->n_devices, p->devices, p->n_devices);
    oci_blockio *db = &dst->blockio, *pb = &p->blockio;
    MOVE_LIST(db->weight_device, db->n_weight_device, pb->weight_device, pb->n_weight_device);
    MOVE_LIST(db->throttle_read_bps.items, db->throttle_read_bps.len, pb->throttle_read_bps.items,
              pb->throttle_read_bps.len);
    MOVE_LIST(db->throttle_write_bps.items, db->throttle_write_bps.len,
              pb->throttle_write_bps.items, pb->throttle_write_bps.len);
    MOVE_LIST(db->throttle_read_iops.items, db->throttle_read_iops.len,
              pb->throttle_read_iops.items, pb->throttle_read_iops.len);
    MOVE_LIST(db->throttle_write_iops.items, db->throttle_write_iops.len,
              pb->throttle_write_iops.items, pb->throttle_write_iops.len);
    MOVE_LIST(dst->hugepage_limits, dst->n_hugepage_limits, p->hugepage_limits,
              p->n_hugepage_limits);
    MOVE_LIST(dst->net_priorities, dst->n_net_priorities, p->net_priorities, p->n_net_priorities);
    MOVE_LIST(dst->rdma, dst->n_rdma, p->rdma, p->n_rdma);
    oci_resources_free(p);
}
