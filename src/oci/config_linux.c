/* linux: namespaces, id mappings, devices, paths and the small objects;
 * resources and seccomp have their own files. */
#include <stdlib.h>
#include <string.h>

#include "oci/config_internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static const jr_name ns_types[] = {
    {"pid", OCI_NS_PID},       {"network", OCI_NS_NETWORK}, {"mount", OCI_NS_MOUNT},
    {"ipc", OCI_NS_IPC},       {"uts", OCI_NS_UTS},         {"user", OCI_NS_USER},
    {"cgroup", OCI_NS_CGROUP}, {"time", OCI_NS_TIME},       {NULL, 0},
};

static const jr_name propagations[] = {
    {"private", 0}, {"rprivate", 0},   {"shared", 0},      {"rshared", 0}, {"slave", 0},
    {"rslave", 0},  {"unbindable", 0}, {"runbindable", 0}, {NULL, 0},
};

static const jr_name personality_domains[] = {{"LINUX", 0}, {"LINUX32", 0}, {NULL, 0}};

static const jr_name mpol_modes[] = {
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 0},
    {"MPOL_BIND", 0},
    {"MPOL_INTERLEAVE", 0},
    {"MPOL_LOCAL", 0},
    {"MPOL_PREFERRED_MANY", 0},
    {"MPOL_WEIGHTED_INTERLEAVE", 0},
    {NULL, 0},
};

static const jr_name mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", 0},
    {"MPOL_F_RELATIVE_NODES", 0},
    {"MPOL_F_STATIC_NODES", 0},
    {NULL, 0},
};

const char *oci_ns_type_name(oci_ns_type type)
{
    for (const jr_name *n = ns_types; n->name != NULL; n++) {
        if (n->value == (int)type)
            return n->name;
    }
    return "unknown";
}

static int parse_namespace(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_namespace *ns = out;
    _cleanup_free_ char *type = NULL;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "type", true, &type) < 0)
        return -1;
    const jr_name *t = jr_lookup(ns_types, type);
    if (t == NULL)
        return jr_fail(r, JR_KEY(p, "type"), "unknown namespace type \"%s\"", type);
    ns->type = (oci_ns_type)t->value;
    if (jr_str(r, p, v, "path", false, &ns->path) < 0)
        return -1;
    if (ns->path != NULL && !jr_is_abs(ns->path))
        return jr_fail(r, JR_KEY(p, "path"), "must be an absolute path");
    return 0;
}

static int parse_namespaces(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    int rc = JR_ARRAY_OF(r, p, v, "namespaces", parse_namespace, &l->namespaces, &l->n_namespaces);
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        for (size_t j = 0; j < i; j++) {
            if (l->namespaces[j].type == l->namespaces[i].type)
                return jr_fail(r, JR_KEY(JR_IDX(JR_KEY(p, "namespaces"), i), "type"),
                               "duplicate namespace type \"%s\"",
                               oci_ns_type_name(l->namespaces[i].type));
        }
    }
    return 1;
}

static int parse_time_offsets(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    yajl_val obj;
    int rc = jr_object(r, p, v, "timeOffsets", &obj);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "timeOffsets");
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *clock = obj->u.object.keys[i];
        const jr_path *cp = JR_KEY(op, clock);
        yajl_val off = obj->u.object.values[i];
        oci_time_offset *t;
        if (strcmp(clock, "monotonic") == 0)
            t = &l->time_monotonic;
        else if (strcmp(clock, "boottime") == 0)
            t = &l->time_boottime;
        else
            return jr_fail(r, cp, "unknown clock \"%s\"", clock);
        if (YAJL_IS_NULL(off))
            continue;
        if (jr_want_object(r, cp, off) < 0 || jr_i64(r, cp, off, "secs", false, &t->secs) < 0 ||
            jr_u32(r, cp, off, "nanosecs", false, &t->nanosecs) < 0)
            return -1;
        if (t->nanosecs >= 1000000000u)
            return jr_fail(r, JR_KEY(cp, "nanosecs"), "must be below 1000000000");
        t->set = true;
    }
    return 0;
}

static int parse_device(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_device *d = out;
    _cleanup_free_ char *type = NULL;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "type", true, &type) < 0)
        return -1;
    if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
        return jr_fail(r, JR_KEY(p, "type"), "unknown device type \"%s\"", type);
    d->type = type[0];
    if (jr_str(r, p, v, "path", true, &d->path) < 0)
        return -1;
    if (!jr_is_abs(d->path))
        return jr_fail(r, JR_KEY(p, "path"), "must be an absolute path");
    bool numbered = d->type != 'p';
    if (jr_i64(r, p, v, "major", numbered, &d->major) < 0 ||
        jr_i64(r, p, v, "minor", numbered, &d->minor) < 0)
        return -1;
    int rc;
    if ((rc = jr_u32(r, p, v, "fileMode", false, &d->file_mode)) < 0)
        return -1;
    d->has_file_mode = rc > 0;
    if ((rc = jr_u32(r, p, v, "uid", false, &d->uid)) < 0)
        return -1;
    d->has_uid = rc > 0;
    if ((rc = jr_u32(r, p, v, "gid", false, &d->gid)) < 0)
        return -1;
    d->has_gid = rc > 0;
    return 0;
}

static int parse_devices(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    return JR_ARRAY_OF(r, p, v, "devices", parse_device, &l->devices, &l->n_devices);
}

static int parse_intel_rdt(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    yajl_val o;
    int rc = jr_object(r, p, v, "intelRdt", &o);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "intelRdt");
    oci_intel_rdt *rdt = &l->intel_rdt;
    l->has_intel_rdt = true;
    if (jr_str(r, op, o, "closID", false, &rdt->clos_id) < 0 ||
        jr_str(r, op, o, "l3CacheSchema", false, &rdt->l3_cache_schema) < 0 ||
        jr_str(r, op, o, "memBwSchema", false, &rdt->mem_bw_schema) < 0 ||
        jr_strv(r, op, o, "schemata", &rdt->schemata) < 0 ||
        jr_bool(r, op, o, "enableMonitoring", &rdt->enable_monitoring) < 0)
        return -1;
    return 0;
}

static int parse_personality(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    yajl_val o;
    int rc = jr_object(r, p, v, "personality", &o);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "personality");
    l->has_personality = true;
    if (jr_str(r, op, o, "domain", true, &l->personality.domain) < 0)
        return -1;
    if (jr_lookup(personality_domains, l->personality.domain) == NULL)
        return jr_fail(r, JR_KEY(op, "domain"), "unknown domain \"%s\"", l->personality.domain);
    return jr_strv(r, op, o, "flags", &l->personality.flags) < 0 ? -1 : 0;
}

static int parse_memory_policy(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    yajl_val o;
    int rc = jr_object(r, p, v, "memoryPolicy", &o);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "memoryPolicy");
    oci_memory_policy *mp = &l->memory_policy;
    l->has_memory_policy = true;
    if (jr_str(r, op, o, "mode", true, &mp->mode) < 0)
        return -1;
    if (jr_lookup(mpol_modes, mp->mode) == NULL)
        return jr_fail(r, JR_KEY(op, "mode"), "unknown mode \"%s\"", mp->mode);
    if (jr_str(r, op, o, "nodes", false, &mp->nodes) < 0 ||
        jr_strv(r, op, o, "flags", &mp->flags) < 0)
        return -1;
    return jr_check_names(r, JR_KEY(op, "flags"), &mp->flags, mpol_flags, "flag");
}

static int parse_net_devices(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    yajl_val o;
    int rc = jr_object(r, p, v, "netDevices", &o);
    if (rc <= 0)
        return rc;
    const jr_path *op = JR_KEY(p, "netDevices");
    l->net_devices = xcalloc(o->u.object.len, sizeof(oci_net_device));
    for (size_t i = 0; i < o->u.object.len; i++) {
        const char *host = o->u.object.keys[i];
        const jr_path *dp = JR_KEY(op, host);
        oci_net_device *d = &l->net_devices[l->n_net_devices++];
        d->host_name = xstrdup(host);
        yajl_val dev = o->u.object.values[i];
        if (YAJL_IS_NULL(dev))
            continue;
        if (jr_want_object(r, dp, dev) < 0 || jr_str(r, dp, dev, "name", false, &d->name) < 0)
            return -1;
    }
    return 0;
}

static int parse_strings(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    if (jr_str(r, p, v, "cgroupsPath", false, &l->cgroups_path) < 0 ||
        jr_str(r, p, v, "rootfsPropagation", false, &l->rootfs_propagation) < 0)
        return -1;
    if (l->rootfs_propagation != NULL && jr_lookup(propagations, l->rootfs_propagation) == NULL)
        return jr_fail(r, JR_KEY(p, "rootfsPropagation"), "unknown propagation \"%s\"",
                       l->rootfs_propagation);
    if (jr_map(r, p, v, "sysctl", &l->sysctl) < 0 ||
        jr_strv(r, p, v, "maskedPaths", &l->masked_paths) < 0 ||
        jr_strv(r, p, v, "readonlyPaths", &l->readonly_paths) < 0 ||
        jr_str(r, p, v, "mountLabel", false, &l->mount_label) < 0)
        return -1;
    return 0;
}

int oci_parse_linux(const jr *r, const jr_path *p, yajl_val v, oci_linux *l)
{
    if (jr_want_object(r, p, v) < 0 || parse_namespaces(r, p, v, l) < 0)
        return -1;
    if (oci_parse_id_mappings(r, p, v, "uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0 ||
        oci_parse_id_mappings(r, p, v, "gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0 ||
        parse_time_offsets(r, p, v, l) < 0 || parse_devices(r, p, v, l) < 0 ||
        parse_strings(r, p, v, l) < 0)
        return -1;
    yajl_val o;
    int rc = jr_object(r, p, v, "resources", &o);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        l->has_resources = true;
        if (oci_parse_resources(r, JR_KEY(p, "resources"), o, &l->resources) < 0)
            return -1;
    }
    rc = jr_object(r, p, v, "seccomp", &o);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        l->has_seccomp = true;
        if (oci_parse_seccomp(r, JR_KEY(p, "seccomp"), o, &l->seccomp) < 0)
            return -1;
    }
    if (parse_intel_rdt(r, p, v, l) < 0 || parse_personality(r, p, v, l) < 0 ||
        parse_memory_policy(r, p, v, l) < 0 || parse_net_devices(r, p, v, l) < 0)
        return -1;
    return 0;
}

void oci_linux_clear(oci_linux *l)
{
    for (size_t i = 0; i < l->n_namespaces; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->n_devices; i++)
        free(l->devices[i].path);
    free(l->devices);
    free(l->cgroups_path);
    oci_resources_clear(&l->resources);
    free(l->rootfs_propagation);
    oci_seccomp_clear(&l->seccomp);
    oci_map_clear(&l->sysctl);
    oci_strv_clear(&l->masked_paths);
    oci_strv_clear(&l->readonly_paths);
    free(l->mount_label);
    free(l->intel_rdt.clos_id);
    free(l->intel_rdt.l3_cache_schema);
    free(l->intel_rdt.mem_bw_schema);
    oci_strv_clear(&l->intel_rdt.schemata);
    free(l->personality.domain);
    oci_strv_clear(&l->personality.flags);
    free(l->memory_policy.mode);
    free(l->memory_policy.nodes);
    oci_strv_clear(&l->memory_policy.flags);
    for (size_t i = 0; i < l->n_net_devices; i++) {
        free(l->net_devices[i].host_name);
        free(l->net_devices[i].name);
    }
    free(l->net_devices);
    memset(l, 0, sizeof(*l));
}
