/* `nook update`: change a running container's resource limits, from runc's
 * flags or from a LinuxResources JSON (--resources FILE|-, what containerd's
 * shim sends on stdin). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands/args.h"
#include "commands/size.h"
#include "container_ops.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

typedef struct update_flags {
    const char *resources;
    const char *blkio_weight, *cpu_period, *cpu_quota, *cpu_share, *cpu_burst, *cpu_idle,
        *cpu_rt_period, *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *memory, *memory_reservation,
        *memory_swap, *pids_limit, *l3_cache_schema, *mem_bw_schema;
} update_flags;

static int parse_u64(const char *flag, const char *s, uint64_t max, uint64_t *out, nk_error **err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *s == '-' || *s == '+' || *end != '\0' || errno != 0 || v > max)
        return nk_err(err, 0, "invalid value for --%s: \"%s\" is not an integer from 0 to %" PRIu64,
                      flag, s, max);
    *out = v;
    return 0;
}

static int parse_i64(const char *flag, const char *s, int64_t *out, nk_error **err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0)
        return nk_err(err, 0, "invalid value for --%s: \"%s\" is not a 64-bit integer", flag, s);
    *out = v;
    return 0;
}

/* "-1" (unlimited) or a size such as 64m. */
static int parse_memory(const char *flag, const char *s, int64_t *out, nk_error **err)
{
    if (strcmp(s, "-1") == 0) {
        *out = -1;
        return 0;
    }
    if (nk_parse_ram_size(s, out, err) < 0)
        return nk_err_wrap(err, "invalid value for --%s", flag);
    return 0;
}

static int cpu_flags(const update_flags *f, oci_resources *r, nk_error **err)
{
    oci_cpu *c = &r->cpu;
    if (f->cpu_period && parse_u64("cpu-period", f->cpu_period, UINT64_MAX, &c->period, err) < 0)
        return -1;
    c->has_period = f->cpu_period != NULL;
    if (f->cpu_quota && parse_i64("cpu-quota", f->cpu_quota, &c->quota, err) < 0)
        return -1;
    c->has_quota = f->cpu_quota != NULL;
    if (f->cpu_share && parse_u64("cpu-share", f->cpu_share, UINT64_MAX, &c->shares, err) < 0)
        return -1;
    c->has_shares = f->cpu_share != NULL;
    if (f->cpu_burst && parse_u64("cpu-burst", f->cpu_burst, UINT64_MAX, &c->burst, err) < 0)
        return -1;
    c->has_burst = f->cpu_burst != NULL;
    if (f->cpu_idle && parse_i64("cpu-idle", f->cpu_idle, &c->idle, err) < 0)
        return -1;
    c->has_idle = f->cpu_idle != NULL;
    if (f->cpu_rt_period &&
        parse_u64("cpu-rt-period", f->cpu_rt_period, UINT64_MAX, &c->realtime_period, err) < 0)
        return -1;
    c->has_realtime_period = f->cpu_rt_period != NULL;
    if (f->cpu_rt_runtime &&
        parse_i64("cpu-rt-runtime", f->cpu_rt_runtime, &c->realtime_runtime, err) < 0)
        return -1;
    c->has_realtime_runtime = f->cpu_rt_runtime != NULL;
    if (f->cpuset_cpus != NULL)
        c->cpus = xstrdup(f->cpuset_cpus);
    if (f->cpuset_mems != NULL)
        c->mems = xstrdup(f->cpuset_mems);
    r->has_cpu = c->has_period || c->has_quota || c->has_shares || c->has_burst || c->has_idle ||
                 c->has_realtime_period || c->has_realtime_runtime || c->cpus || c->mems;
    return 0;
}

static int memory_flags(const update_flags *f, oci_resources *r, nk_error **err)
{
    oci_memory *m = &r->memory;
    if (f->memory && parse_memory("memory", f->memory, &m->limit, err) < 0)
        return -1;
    m->has_limit = f->memory != NULL;
    if (f->memory_reservation &&
        parse_memory("memory-reservation", f->memory_reservation, &m->reservation, err) < 0)
        return -1;
    m->has_reservation = f->memory_reservation != NULL;
    if (f->memory_swap && parse_memory("memory-swap", f->memory_swap, &m->swap, err) < 0)
        return -1;
    m->has_swap = f->memory_swap != NULL;
    r->has_memory = m->has_limit || m->has_reservation || m->has_swap;
    return 0;
}

static int patch_from_flags(const update_flags *f, oci_resources *r, nk_error **err)
{
    if (f->l3_cache_schema != NULL || f->mem_bw_schema != NULL)
        return nk_err(err, 0, "--%s: Intel RDT (linux.intelRdt) is not supported by nook",
                      f->l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema");
    if (cpu_flags(f, r, err) < 0 || memory_flags(f, r, err) < 0)
        return -1;
    if (f->pids_limit != NULL) {
        if (parse_i64("pids-limit", f->pids_limit, &r->pids_limit, err) < 0)
            return -1;
        r->has_pids = r->has_pids_limit = true;
    }
    if (f->blkio_weight != NULL) {
        uint64_t w;
        if (parse_u64("blkio-weight", f->blkio_weight, UINT16_MAX, &w, err) < 0)
            return -1;
        r->has_blockio = r->blockio.has_weight = true;
        r->blockio.weight = (uint16_t)w;
    }
    return 0;
}

static int patch_from_json(const char *path, oci_resources **out, nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (nk_read_file(path, &json, &len, err) < 0)
        return nk_err_wrap(err, "--resources");
    return oci_resources_parse(json, len, out, err);
}

static int cmd_update(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    update_flags f = {0};
    const nk_flag flags[] = {
        {"resources", "r", NK_FLAG_STRING, &f.resources, "value",
         "path to the file containing the resources to update or '-' to read from the standard "
         "input"},
        {"blkio-weight", NULL, NK_FLAG_STRING, &f.blkio_weight, "value",
         "Specifies per cgroup weight, range is from 10 to 1000"},
        {"cpu-period", NULL, NK_FLAG_STRING, &f.cpu_period, "value",
         "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-quota", NULL, NK_FLAG_STRING, &f.cpu_quota, "value",
         "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpu-share", NULL, NK_FLAG_STRING, &f.cpu_share, "value",
         "CPU shares (relative weight vs. other containers)"},
        {"cpu-burst", NULL, NK_FLAG_STRING, &f.cpu_burst, "value",
         "CPU CFS burst: unused quota a period may carry over (in usecs)"},
        {"cpu-idle", NULL, NK_FLAG_STRING, &f.cpu_idle, "value",
         "1: schedule the container's tasks as SCHED_IDLE (cgroup v2)"},
        {"cpu-rt-period", NULL, NK_FLAG_STRING, &f.cpu_rt_period, "value",
         "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-rt-runtime", NULL, NK_FLAG_STRING, &f.cpu_rt_runtime, "value",
         "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpuset-cpus", NULL, NK_FLAG_STRING, &f.cpuset_cpus, "value", "CPU(s) to use"},
        {"cpuset-mems", NULL, NK_FLAG_STRING, &f.cpuset_mems, "value", "Memory node(s) to use"},
        {"memory", NULL, NK_FLAG_STRING, &f.memory, "value",
         "Memory limit (in bytes, or with a unit: 64m, 1g)"},
        {"memory-reservation", NULL, NK_FLAG_STRING, &f.memory_reservation, "value",
         "Memory reservation or soft_limit (in bytes)"},
        {"memory-swap", NULL, NK_FLAG_STRING, &f.memory_swap, "value",
         "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
        {"pids-limit", NULL, NK_FLAG_STRING, &f.pids_limit, "value",
         "Maximum number of pids allowed in the container"},
        {"l3-cache-schema", NULL, NK_FLAG_STRING, &f.l3_cache_schema, "value",
         "The string of Intel RDT/CAT L3 cache schema (not supported)"},
        {"mem-bw-schema", NULL, NK_FLAG_STRING, &f.mem_bw_schema, "value",
         "The string of Intel RDT/MBA memory bandwidth schema (not supported)"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    oci_resources *patch = NULL;
    if (f.resources != NULL) {
        /* as runc: the JSON is the whole update, other flags are ignored */
        r = patch_from_json(f.resources, &patch, err);
    } else {
        patch = xzalloc(sizeof(*patch));
        r = patch_from_flags(&f, patch, err);
    }
    if (r == 0)
        r = nk_container_update(ctx, args.v[0], patch, err);
    oci_resources_free(patch);
    return r < 0 ? -1 : 0;
}

const nk_command nk_cmd_update = {
    .name = "update",
    .summary = "update container resource constraints",
    .args_usage = "<container-id>",
    .description =
        "   Changes the limits of a created, running or paused container. With\n"
        "--resources FILE (or - for standard input) the file holds an OCI LinuxResources\n"
        "object and every other flag is ignored:\n"
        "\n"
        "   {\"memory\": {\"limit\": 67108864, \"swap\": 134217728},\n"
        "    \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000,\n"
        "            \"cpus\": \"0-1\", \"mems\": \"0\"},\n"
        "    \"pids\": {\"limit\": 100}, \"blockIO\": {\"weight\": 500}}\n"
        "\n"
        "   Values not given are left as they are. Memory sizes take runc's units (64m,\n"
        "1.5g, 512KiB); -1 means unlimited.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_update,
};
