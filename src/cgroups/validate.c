/* Refuses resource values no kernel would take, or that would reach outside
 * the container's cgroup, before anything is created. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define CPUSET_MAX 8192

/* "0-3,7" -> bits; false on a syntax error or a cpu >= CPUSET_MAX */
static bool parse_list(const char *s, unsigned char *bits)
{
    memset(bits, 0, CPUSET_MAX / 8);
    if (*s == '\0')
        return true;
    while (*s != '\0') {
        char *end;
        if (*s < '0' || *s > '9')
            return false;
        unsigned long a = strtoul(s, &end, 10), b = a;
        if (*end == '-') {
            if (end[1] < '0' || end[1] > '9')
                return false;
            b = strtoul(end + 1, &end, 10);
        }
        if (a > b || b >= CPUSET_MAX)
            return false;
        for (unsigned long i = a; i <= b; i++)
            bits[i / 8] |= (unsigned char)(1u << (i % 8));
        if (*end == ',')
            end++;
        else if (*end == '\n' || *end == '\0')
            ;
        else
            return false;
        s = end;
        if (*s == '\n')
            break;
    }
    return true;
}

/* The cpus/mems the host lets a child cgroup use. */
static int host_set(const nk_cg_layout *l, const char *what, char **out, nk_error **err)
{
    if (l->mode == NK_CG_UNIFIED) {
        _cleanup_free_ char *f = xasprintf("cpuset.%s.effective", what);
        return nk_cg_read(l->unified, f, out, err);
    }
    const char *m = nk_cg_v1_mount(l, "cpuset");
    if (m == NULL)
        return nk_err(err, ENOENT, "the host has no cpuset controller");
    _cleanup_free_ char *f = xasprintf("cpuset.effective_%s", what);
    return nk_cg_read(m, f, out, err);
}

static int check_cpuset(const nk_cg_layout *l, const char *value, const char *what,
                        const char *prefix, nk_error **err)
{
    if (value == NULL || *value == '\0')
        return 0;
    unsigned char want[CPUSET_MAX / 8], have[CPUSET_MAX / 8];
    if (!parse_list(value, want))
        return nk_err(err, EINVAL, "%s.cpu.%s: \"%s\" is not a list like \"0-3,7\"", prefix, what,
                      value);
    _cleanup_free_ char *host = NULL;
    if (host_set(l, what, &host, err) < 0)
        return nk_err_wrap(err, "%s.cpu.%s", prefix, what);
    if (!parse_list(host, have))
        return nk_err(err, EINVAL, "%s.cpu.%s: cannot parse the host's \"%s\"", prefix, what, host);
    for (size_t i = 0; i < sizeof(want); i++)
        if (want[i] & ~have[i])
            return nk_err(err, EINVAL, "%s.cpu.%s: \"%s\" is outside the host's \"%s\"", prefix,
                          what, value, host);
    return 0;
}

static int check_memory(const oci_memory *m, const char *prefix, nk_error **err)
{
    const struct {
        bool has;
        int64_t v;
        const char *name;
    } f[] = {{m->has_limit, m->limit, "limit"},
             {m->has_reservation, m->reservation, "reservation"},
             {m->has_swap, m->swap, "swap"}};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (f[i].has && f[i].v < -1)
            return nk_err(err, EINVAL, "%s.memory.%s: %" PRId64 " is invalid (-1 means unlimited)",
                          prefix, f[i].name, f[i].v);
    if (m->has_swappiness && m->swappiness > 100)
        return nk_err(err, EINVAL, "%s.memory.swappiness: %" PRIu64 " is not in [0, 100]", prefix,
                      m->swappiness);
    if (m->has_kernel || m->has_kernel_tcp)
        return nk_err(err, EINVAL, "%s.memory.%s: kernel memory limits are not supported", prefix,
                      m->has_kernel ? "kernel" : "kernelTCP");
    return 0;
}

static int check_cpu(const nk_cg_layout *l, const oci_cpu *c, const char *prefix, nk_error **err)
{
    if (c->has_shares && c->shares != 0 && (c->shares < 2 || c->shares > 262144))
        return nk_err(err, EINVAL, "%s.cpu.shares: %" PRIu64 " is not in [2, 262144]", prefix,
                      c->shares);
    if (c->has_quota && c->quota < -1)
        return nk_err(err, EINVAL, "%s.cpu.quota: %" PRId64 " is invalid (-1 means unlimited)",
                      prefix, c->quota);
    if (c->has_quota && c->quota > 0 && c->quota < 1000)
        return nk_err(err, EINVAL, "%s.cpu.quota: %" PRId64 " is below the kernel's 1000", prefix,
                      c->quota);
    if (c->has_period && c->period != 0 && (c->period < 1000 || c->period > 1000000))
        return nk_err(err, EINVAL, "%s.cpu.period: %" PRIu64 " is not in [1000, 1000000]", prefix,
                      c->period);
    if (c->has_idle && c->idle != 0 && c->idle != 1)
        return nk_err(err, EINVAL, "%s.cpu.idle: %" PRId64 " must be 0 or 1", prefix, c->idle);
    if (c->has_realtime_runtime && c->realtime_runtime < -1)
        return nk_err(err, EINVAL, "%s.cpu.realtimeRuntime: %" PRId64 " is invalid", prefix,
                      c->realtime_runtime);
    if (check_cpuset(l, c->cpus, "cpus", prefix, err) < 0 ||
        check_cpuset(l, c->mems, "mems", prefix, err) < 0)
        return -1;
    return 0;
}

/* A unified key names one file directly in the container's cgroup. */
static int check_unified(const oci_map *u, const char *prefix, nk_error **err)
{
    for (size_t i = 0; i < u->len; i++) {
        const char *k = u->items[i].key;
        const char *dot = strchr(k, '.');
        if (strchr(k, '/') != NULL || strstr(k, "..") != NULL || dot == NULL || dot == k ||
            dot[1] == '\0')
            return nk_err(err, EINVAL,
                          "%s.unified: key \"%s\" must be a file name like \"memory.high\"", prefix,
                          k);
        /* these move processes or change the tree's shape, not a resource */
        static const char *const refused[] = {"cgroup.procs", "cgroup.threads",
                                              "cgroup.subtree_control", "cgroup.kill", NULL};
        for (const char *const *r = refused; *r; r++)
            if (strcmp(k, *r) == 0)
                return nk_err(err, EINVAL, "%s.unified: key \"%s\" is not a resource", prefix, k);
    }
    return 0;
}

int nk_cg_validate(const nk_cg_layout *l, const oci_resources *r, const char *prefix,
                   nk_error **err)
{
    if (r->has_memory && check_memory(&r->memory, prefix, err) < 0)
        return -1;
    if (r->has_cpu && check_cpu(l, &r->cpu, prefix, err) < 0)
        return -1;
    if (r->has_pids_limit && r->pids_limit < -1)
        return nk_err(err, EINVAL, "%s.pids.limit: %" PRId64 " is invalid (-1 means unlimited)",
                      prefix, r->pids_limit);
    if (r->has_blockio && r->blockio.has_weight && r->blockio.weight != 0 &&
        (r->blockio.weight < 10 || r->blockio.weight > 1000))
        return nk_err(err, EINVAL, "%s.blockIO.weight: %u is not in [10, 1000]", prefix,
                      r->blockio.weight);
    for (size_t i = 0; i < r->blockio.n_weight_device; i++) {
        const oci_weight_device *w = &r->blockio.weight_device[i];
        if (w->has_weight && (w->weight < 10 || w->weight > 1000))
            return nk_err(err, EINVAL,
                          "%s.blockIO.weightDevice[%zu].weight: %u is not in [10, 1000]", prefix, i,
                          w->weight);
    }
    if (r->has_network && (r->has_class_id || r->n_net_priorities))
        return nk_err(err, EINVAL,
                      "%s.network: net_cls/net_prio are not supported by this version of nook",
                      prefix);
    return check_unified(&r->unified, prefix, err);
}
