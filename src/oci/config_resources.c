/* linux.resources, also the body of `update --resources`. */
#include <stdlib.h>
#include <string.h>

#include "oci/config_internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Reads an optional field and records whether it was there. */
#define OPT(call, has)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ < 0)                                                                               \
            return -1;                                                                             \
        if (rc_ > 0)                                                                               \
            (has) = true;                                                                          \
    } while (0)

static int parse_device_cgroup(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_device_cgroup *d = out;
    if (jr_want_object(r, p, v) < 0)
        return -1;
    yajl_val allow = jr_get(v, "allow");
    if (allow == NULL)
        return jr_fail(r, JR_KEY(p, "allow"), "is required");
    if (jr_val_bool(r, JR_KEY(p, "allow"), allow, &d->allow) < 0)
        return -1;
    _cleanup_free_ char *type = NULL;
    if (jr_str(r, p, v, "type", false, &type) < 0)
        return -1;
    if (type != NULL) {
        if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
            return jr_fail(r, JR_KEY(p, "type"), "unknown device type \"%s\"", type);
        d->type = type[0];
    }
    OPT(jr_i64(r, p, v, "major", false, &d->major), d->has_major);
    OPT(jr_i64(r, p, v, "minor", false, &d->minor), d->has_minor);
    if (jr_str(r, p, v, "access", false, &d->access) < 0)
        return -1;
    if (d->access != NULL && strspn(d->access, "rwm") != strlen(d->access))
        return jr_fail(r, JR_KEY(p, "access"), "must only contain r, w and m, not \"%s\"",
                       d->access);
    return 0;
}

static int parse_devices(const jr *r, const jr_path *p, yajl_val v, oci_resources *res)
{
    return JR_ARRAY_OF(r, p, v, "devices", parse_device_cgroup, &res->devices, &res->n_devices);
}

static int parse_memory(const jr *r, const jr_path *p, yajl_val v, oci_memory *m)
{
    OPT(jr_i64(r, p, v, "limit", false, &m->limit), m->has_limit);
    OPT(jr_i64(r, p, v, "reservation", false, &m->reservation), m->has_reservation);
    OPT(jr_i64(r, p, v, "swap", false, &m->swap), m->has_swap);
    OPT(jr_i64(r, p, v, "kernel", false, &m->kernel), m->has_kernel);
    OPT(jr_i64(r, p, v, "kernelTCP", false, &m->kernel_tcp), m->has_kernel_tcp);
    OPT(jr_u64(r, p, v, "swappiness", false, &m->swappiness), m->has_swappiness);
    OPT(jr_bool(r, p, v, "disableOOMKiller", &m->disable_oom_killer), m->has_disable_oom_killer);
    OPT(jr_bool(r, p, v, "useHierarchy", &m->use_hierarchy), m->has_use_hierarchy);
    OPT(jr_bool(r, p, v, "checkBeforeUpdate", &m->check_before_update), m->has_check_before_update);
    return 0;
}

static int parse_cpu(const jr *r, const jr_path *p, yajl_val v, oci_cpu *c)
{
    OPT(jr_u64(r, p, v, "shares", false, &c->shares), c->has_shares);
    OPT(jr_i64(r, p, v, "quota", false, &c->quota), c->has_quota);
    OPT(jr_u64(r, p, v, "burst", false, &c->burst), c->has_burst);
    OPT(jr_u64(r, p, v, "period", false, &c->period), c->has_period);
    OPT(jr_i64(r, p, v, "realtimeRuntime", false, &c->realtime_runtime), c->has_realtime_runtime);
    OPT(jr_u64(r, p, v, "realtimePeriod", false, &c->realtime_period), c->has_realtime_period);
    OPT(jr_i64(r, p, v, "idle", false, &c->idle), c->has_idle);
    if (jr_str(r, p, v, "cpus", false, &c->cpus) < 0 ||
        jr_str(r, p, v, "mems", false, &c->mems) < 0)
        return -1;
    return 0;
}

static int parse_throttle_device(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_throttle_device *d = out;
    if (jr_want_object(r, p, v) < 0 || jr_i64(r, p, v, "major", true, &d->major) < 0 ||
        jr_i64(r, p, v, "minor", true, &d->minor) < 0 ||
        jr_u64(r, p, v, "rate", true, &d->rate) < 0)
        return -1;
    return 0;
}

static int parse_throttle(const jr *r, const jr_path *p, yajl_val v, const char *key,
                          oci_throttle_list *list)
{
    return JR_ARRAY_OF(r, p, v, key, parse_throttle_device, &list->items, &list->len);
}

static int parse_weight_device(const jr *r, const jr_path *p, yajl_val e, void *out)
{
    oci_weight_device *d = out;
    if (jr_want_object(r, p, e) < 0 || jr_i64(r, p, e, "major", true, &d->major) < 0 ||
        jr_i64(r, p, e, "minor", true, &d->minor) < 0)
        return -1;
    OPT(jr_u16(r, p, e, "weight", false, &d->weight), d->has_weight);
    OPT(jr_u16(r, p, e, "leafWeight", false, &d->leaf_weight), d->has_leaf_weight);
    return 0;
}

static int parse_blockio(const jr *r, const jr_path *p, yajl_val v, oci_blockio *b)
{
    OPT(jr_u16(r, p, v, "weight", false, &b->weight), b->has_weight);
    OPT(jr_u16(r, p, v, "leafWeight", false, &b->leaf_weight), b->has_leaf_weight);
    if (JR_ARRAY_OF(r, p, v, "weightDevice", parse_weight_device, &b->weight_device,
                    &b->n_weight_device) < 0)
        return -1;
    if (parse_throttle(r, p, v, "throttleReadBpsDevice", &b->throttle_read_bps) < 0 ||
        parse_throttle(r, p, v, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0 ||
        parse_throttle(r, p, v, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0 ||
        parse_throttle(r, p, v, "throttleWriteIOPSDevice", &b->throttle_write_iops) < 0)
        return -1;
    return 0;
}

static int parse_hugepage_limit(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_hugepage_limit *h = out;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "pageSize", true, &h->page_size) < 0 ||
        jr_u64(r, p, v, "limit", true, &h->limit) < 0)
        return -1;
    return 0;
}

static int parse_hugepages(const jr *r, const jr_path *p, yajl_val v, oci_resources *res)
{
    return JR_ARRAY_OF(r, p, v, "hugepageLimits", parse_hugepage_limit, &res->hugepage_limits,
                       &res->n_hugepage_limits);
}

static int parse_net_priority(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_net_priority *np = out;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "name", true, &np->name) < 0 ||
        jr_u32(r, p, v, "priority", true, &np->priority) < 0)
        return -1;
    return 0;
}

static int parse_network(const jr *r, const jr_path *p, yajl_val v, oci_resources *res)
{
    OPT(jr_u32(r, p, v, "classID", false, &res->net_class_id), res->has_class_id);
    return JR_ARRAY_OF(r, p, v, "priorities", parse_net_priority, &res->net_priorities,
                       &res->n_net_priorities);
}

static int parse_rdma(const jr *r, const jr_path *p, yajl_val v, oci_resources *res)
{
    yajl_val o;
    int rc = jr_object(r, p, v, "rdma", &o);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "rdma");
    res->rdma = xcalloc(o->u.object.len, sizeof(oci_rdma));
    for (size_t i = 0; i < o->u.object.len; i++) {
        const jr_path *dp = JR_KEY(op, o->u.object.keys[i]);
        yajl_val e = o->u.object.values[i];
        oci_rdma *d = &res->rdma[res->n_rdma++];
        d->device = xstrdup(o->u.object.keys[i]);
        if (YAJL_IS_NULL(e))
            continue;
        if (jr_want_object(r, dp, e) < 0)
            return -1;
        OPT(jr_u32(r, dp, e, "hcaHandles", false, &d->hca_handles), d->has_hca_handles);
        OPT(jr_u32(r, dp, e, "hcaObjects", false, &d->hca_objects), d->has_hca_objects);
    }
    return 0;
}

int oci_parse_resources(const jr *r, const jr_path *p, yajl_val v, oci_resources *res)
{
    if (jr_want_object(r, p, v) < 0 || parse_devices(r, p, v, res) < 0)
        return -1;
    yajl_val o;
    int rc;
    if ((rc = jr_object(r, p, v, "memory", &o)) < 0)
        return -1;
    res->has_memory = rc > 0;
    if (rc > 0 && parse_memory(r, JR_KEY(p, "memory"), o, &res->memory) < 0)
        return -1;
    if ((rc = jr_object(r, p, v, "cpu", &o)) < 0)
        return -1;
    res->has_cpu = rc > 0;
    if (rc > 0 && parse_cpu(r, JR_KEY(p, "cpu"), o, &res->cpu) < 0)
        return -1;
    if ((rc = jr_object(r, p, v, "pids", &o)) < 0)
        return -1;
    if (rc > 0) {
        res->has_pids = true;
        OPT(jr_i64(r, JR_KEY(p, "pids"), o, "limit", false, &res->pids_limit), res->has_pids_limit);
    }
    if ((rc = jr_object(r, p, v, "blockIO", &o)) < 0)
        return -1;
    res->has_blockio = rc > 0;
    if (rc > 0 && parse_blockio(r, JR_KEY(p, "blockIO"), o, &res->blockio) < 0)
        return -1;
    if (parse_hugepages(r, p, v, res) < 0)
        return -1;
    if ((rc = jr_object(r, p, v, "network", &o)) < 0)
        return -1;
    res->has_network = rc > 0;
    if (rc > 0 && parse_network(r, JR_KEY(p, "network"), o, res) < 0)
        return -1;
    if (parse_rdma(r, p, v, res) < 0 || jr_map(r, p, v, "unified", &res->unified) < 0)
        return -1;
    return 0;
}

static void throttle_clear(oci_throttle_list *l)
{
    free(l->items);
}

void oci_resources_clear(oci_resources *res)
{
    for (size_t i = 0; i < res->n_devices; i++)
        free(res->devices[i].access);
    free(res->devices);
    free(res->cpu.cpus);
    free(res->cpu.mems);
    free(res->blockio.weight_device);
    throttle_clear(&res->blockio.throttle_read_bps);
    throttle_clear(&res->blockio.throttle_write_bps);
    throttle_clear(&res->blockio.throttle_read_iops);
    throttle_clear(&res->blockio.throttle_write_iops);
    for (size_t i = 0; i < res->n_hugepage_limits; i++)
        free(res->hugepage_limits[i].page_size);
    free(res->hugepage_limits);
    for (size_t i = 0; i < res->n_net_priorities; i++)
        free(res->net_priorities[i].name);
    free(res->net_priorities);
    for (size_t i = 0; i < res->n_rdma; i++)
        free(res->rdma[i].device);
    free(res->rdma);
    oci_map_clear(&res->unified);
    memset(res, 0, sizeof(*res));
}

void oci_resources_free(oci_resources *res)
{
    if (res == NULL)
        return;
    oci_resources_clear(res);
    free(res);
}

int oci_resources_parse(const char *json, size_t len, oci_resources **out, nk_error **err)
{
    const jr r = {.doc = "resources", .err = err};
    yajl_val tree;
    if (jr_parse(&r, json, len, &tree) < 0)
        return -1;
    oci_resources *res = xzalloc(sizeof(*res));
    int rc = oci_parse_resources(&r, NULL, tree, res);
    jr_tree_free(tree);
    if (rc < 0) {
        oci_resources_free(res);
        return -1;
    }
    *out = res;
    return 0;
}
