/* `events --stats`: counters read from the container's cgroup files, in the
 * units runc reports (nanoseconds for cpu, bytes for memory). A file the
 * host does not have leaves its field 0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/ops.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* A missing file (controller absent or not enabled) is not an error. */
static int opt_u64(const char *dir, const char *file, uint64_t *out, nk_error **err)
{
    if (dir == NULL)
        return 0;
    if (nk_cg_read_u64(dir, file, out, err) == 0)
        return 0;
    if ((*err)->errnum != ENOENT)
        return -1;
    nk_error_freep(err);
    *out = 0;
    return 0;
}

static int opt_read(const char *dir, const char *file, char **out, nk_error **err)
{
    *out = NULL;
    if (dir == NULL)
        return 0;
    if (nk_cg_read(dir, file, out, err) == 0)
        return 0;
    if ((*err)->errnum != ENOENT)
        return -1;
    nk_error_freep(err);
    return 0;
}

/* Calls fn for each "key value" line of a flat keyed file's text. */
static void each_kv(const char *text, void (*fn)(const char *key, uint64_t v, void *arg), void *arg)
{
    if (text == NULL)
        return;
    _cleanup_free_ char *copy = xstrdup(text);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        if (sp == NULL)
            continue;
        *sp = '\0';
        fn(line, strtoull(sp + 1, NULL, 10), arg);
    }
}

typedef struct kv_target {
    const char *key;
    uint64_t *dst;
    uint64_t scale;
} kv_target;

static void take_kv(const char *key, uint64_t v, void *arg)
{
    for (kv_target *t = arg; t->key != NULL; t++) {
        if (strcmp(t->key, key) == 0)
            *t->dst = v * t->scale;
    }
}

static void raw_kv(const char *key, uint64_t v, void *arg)
{
    oci_map *m = arg;
    m->items = xreallocarray(m->items, m->len + 1, sizeof(*m->items));
    m->items[m->len].key = xstrdup(key);
    m->items[m->len].value = xasprintf("%llu", (unsigned long long)v);
    m->len++;
}

static uint64_t raw_get(const oci_map *m, const char *key)
{
    for (size_t i = 0; i < m->len; i++) {
        if (strcmp(m->items[i].key, key) == 0)
            return strtoull(m->items[i].value, NULL, 10);
    }
    return 0;
}

static int read_kv_file(const char *dir, const char *file, kv_target *t, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (opt_read(dir, file, &text, err) < 0)
        return -1;
    each_kv(text, take_kv, t);
    return 0;
}

static int read_memory_stat(const char *dir, nk_cgroup_stats *st, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (opt_read(dir, "memory.stat", &text, err) < 0)
        return -1;
    each_kv(text, raw_kv, &st->memory.raw);
    return 0;
}

static int stats_v2(const char *dir, nk_cgroup_stats *st, nk_error **err)
{
    uint64_t peak = 0, events_max = 0;
    kv_target cpu[] = {
        {"usage_usec", &st->cpu.usage_total, 1000},
        {"user_usec", &st->cpu.usage_user, 1000},
        {"system_usec", &st->cpu.usage_kernel, 1000},
        {"nr_periods", &st->cpu.throttling_periods, 1},
        {"nr_throttled", &st->cpu.throttled_periods, 1},
        {"throttled_usec", &st->cpu.throttled_time, 1000},
        {0},
    };
    kv_target events[] = {
        {"oom_kill", &st->memory.oom_kill, 1},
        {"max", &events_max, 1},
        {0},
    };
    if (read_kv_file(dir, "cpu.stat", cpu, err) < 0 ||
        read_kv_file(dir, "memory.events", events, err) < 0 ||
        opt_u64(dir, "memory.current", &st->memory.usage, err) < 0 ||
        opt_u64(dir, "memory.peak", &peak, err) < 0 ||
        opt_u64(dir, "memory.max", &st->memory.limit, err) < 0 ||
        opt_u64(dir, "memory.swap.current", &st->memory.swap_usage, err) < 0 ||
        opt_u64(dir, "memory.swap.max", &st->memory.swap_limit, err) < 0 ||
        opt_u64(dir, "pids.current", &st->pids.current, err) < 0 ||
        opt_u64(dir, "pids.max", &st->pids.limit, err) < 0 || read_memory_stat(dir, st, err) < 0)
        return -1;
    st->memory.max_usage = peak;
    st->memory.failcnt = events_max;
    st->memory.cache = raw_get(&st->memory.raw, "file");
    return 0;
}

static int read_percpu(const char *dir, nk_cgroup_stats *st, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (opt_read(dir, "cpuacct.usage_percpu", &text, err) < 0)
        return -1;
    if (text == NULL)
        return 0;
    for (char *p = text, *end;; p = end) {
        uint64_t v = strtoull(p, &end, 10);
        if (end == p)
            break;
        st->cpu.percpu = xreallocarray(st->cpu.percpu, st->cpu.n_percpu + 1, sizeof(uint64_t));
        st->cpu.percpu[st->cpu.n_percpu++] = v;
    }
    return 0;
}

static char *v1_dir(const nk_cg_layout *l, const char *ctrl, const char *path)
{
    const char *mount = nk_cg_v1_mount(l, ctrl);
    return mount ? nk_cg_join(mount, path, NULL) : NULL;
}

static int stats_v1(const nk_cg_layout *l, const char *path, nk_cgroup_stats *st, nk_error **err)
{
    _cleanup_free_ char *cpu = v1_dir(l, "cpu", path), *acct = v1_dir(l, "cpuacct", path),
                        *mem = v1_dir(l, "memory", path), *pids = v1_dir(l, "pids", path);
    /* cpuacct.stat counts USER_HZ ticks */
    uint64_t tick_ns = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
    kv_target acct_stat[] = {
        {"user", &st->cpu.usage_user, tick_ns},
        {"system", &st->cpu.usage_kernel, tick_ns},
        {0},
    };
    kv_target cpu_stat[] = {
        {"nr_periods", &st->cpu.throttling_periods, 1},
        {"nr_throttled", &st->cpu.throttled_periods, 1},
        {"throttled_time", &st->cpu.throttled_time, 1},
        {0},
    };
    kv_target oom[] = {{"oom_kill", &st->memory.oom_kill, 1}, {0}};
    if (opt_u64(acct, "cpuacct.usage", &st->cpu.usage_total, err) < 0 ||
        read_percpu(acct, st, err) < 0 || read_kv_file(acct, "cpuacct.stat", acct_stat, err) < 0 ||
        read_kv_file(cpu, "cpu.stat", cpu_stat, err) < 0 ||
        opt_u64(mem, "memory.usage_in_bytes", &st->memory.usage, err) < 0 ||
        opt_u64(mem, "memory.max_usage_in_bytes", &st->memory.max_usage, err) < 0 ||
        opt_u64(mem, "memory.failcnt", &st->memory.failcnt, err) < 0 ||
        opt_u64(mem, "memory.limit_in_bytes", &st->memory.limit, err) < 0 ||
        opt_u64(mem, "memory.memsw.usage_in_bytes", &st->memory.swap_usage, err) < 0 ||
        opt_u64(mem, "memory.memsw.limit_in_bytes", &st->memory.swap_limit, err) < 0 ||
        read_kv_file(mem, "memory.oom_control", oom, err) < 0 ||
        opt_u64(pids, "pids.current", &st->pids.current, err) < 0 ||
        opt_u64(pids, "pids.max", &st->pids.limit, err) < 0 || read_memory_stat(mem, st, err) < 0)
        return -1;
    st->memory.cache = raw_get(&st->memory.raw, "cache");
    return 0;
}

int nk_cgroup_stats_read(const char *cgroup_path, nk_cgroup_stats *st, nk_error **err)
{
    memset(st, 0, sizeof(*st));
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    int ret;
    _cleanup_free_ char *dir = nk_cg_procs_dir(&l, cgroup_path);
    if (dir == NULL || access(dir, F_OK) < 0)
        ret = nk_err(err, dir ? errno : 0, "cgroup %s", cgroup_path);
    else if (l.mode == NK_CG_UNIFIED)
        ret = stats_v2(dir, st, err);
    else
        ret = stats_v1(&l, cgroup_path, st, err);
    nk_cg_layout_clear(&l);
    if (ret < 0)
        nk_cgroup_stats_clear(st);
    /* "max" reads as UINT64_MAX; runc reports an unlimited pids.max as 0 */
    if (st->pids.limit == UINT64_MAX)
        st->pids.limit = 0;
    return ret;
}

void nk_cgroup_stats_clear(nk_cgroup_stats *st)
{
    free(st->cpu.percpu);
    for (size_t i = 0; i < st->memory.raw.len; i++) {
        free(st->memory.raw.items[i].key);
        free(st->memory.raw.items[i].value);
    }
    free(st->memory.raw.items);
    memset(st, 0, sizeof(*st));
}
