/* Field names, nesting and which zero values are left out follow runc's Go
 * structs (omitempty), so tools written against runc's output read ours. */
#include "oci/events_json.h"

#include <stdlib.h>

#include "oci/json_write.h"

/* omitempty */
static void kuint_nz(jw *w, const char *key, uint64_t v)
{
    if (v != 0)
        jw_kuint(w, key, v);
}

static void write_cpu(jw *w, const nk_cgroup_stats *st)
{
    jw_key(w, "cpu");
    jw_open_map(w);
    jw_key(w, "usage");
    jw_open_map(w);
    kuint_nz(w, "total", st->cpu.usage_total);
    if (st->cpu.n_percpu > 0) {
        jw_key(w, "percpu");
        jw_open_array(w);
        for (size_t i = 0; i < st->cpu.n_percpu; i++)
            jw_uint(w, st->cpu.percpu[i]);
        jw_close_array(w);
    }
    jw_kuint(w, "kernel", st->cpu.usage_kernel);
    jw_kuint(w, "user", st->cpu.usage_user);
    jw_close_map(w);
    jw_key(w, "throttling");
    jw_open_map(w);
    kuint_nz(w, "periods", st->cpu.throttling_periods);
    kuint_nz(w, "throttledPeriods", st->cpu.throttled_periods);
    kuint_nz(w, "throttledTime", st->cpu.throttled_time);
    jw_close_map(w);
    jw_close_map(w);
}

static void write_memory_entry(jw *w, const char *key, uint64_t limit, uint64_t usage, uint64_t max,
                               uint64_t failcnt)
{
    jw_key(w, key);
    jw_open_map(w);
    jw_kuint(w, "limit", limit);
    kuint_nz(w, "usage", usage);
    kuint_nz(w, "max", max);
    jw_kuint(w, "failcnt", failcnt);
    jw_close_map(w);
}

static void write_memory(jw *w, const nk_cgroup_stats *st)
{
    jw_key(w, "memory");
    jw_open_map(w);
    kuint_nz(w, "cache", st->memory.cache);
    write_memory_entry(w, "usage", st->memory.limit, st->memory.usage, st->memory.max_usage,
                       st->memory.failcnt);
    write_memory_entry(w, "swap", st->memory.swap_limit, st->memory.swap_usage, 0, 0);
    if (st->memory.raw.len > 0) {
        jw_key(w, "raw");
        jw_open_map(w);
        for (size_t i = 0; i < st->memory.raw.len; i++)
            jw_kuint(w, st->memory.raw.items[i].key,
                     strtoull(st->memory.raw.items[i].value, NULL, 10));
        jw_close_map(w);
    }
    jw_close_map(w);
}

int oci_stats_event_to_json(const char *id, const nk_cgroup_stats *st, char **out, size_t *len,
                            nk_error **err)
{
    jw w;
    jw_init(&w, NULL);
    jw_open_map(&w);
    jw_kstr(&w, "type", "stats");
    jw_kstr(&w, "id", id);
    jw_key(&w, "data");
    jw_open_map(&w);
    write_cpu(&w, st);
    write_memory(&w, st);
    jw_key(&w, "pids");
    jw_open_map(&w);
    kuint_nz(&w, "current", st->pids.current);
    kuint_nz(&w, "limit", st->pids.limit);
    jw_close_map(&w);
    /* what nook does not collect yet, present and empty as runc prints it */
    jw_key(&w, "blkio");
    jw_open_map(&w);
    jw_close_map(&w);
    jw_key(&w, "hugetlb");
    jw_open_map(&w);
    jw_close_map(&w);
    jw_close_map(&w);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}

int oci_event_to_json(const char *type, const char *id, char **out, size_t *len, nk_error **err)
{
    jw w;
    jw_init(&w, NULL);
    jw_open_map(&w);
    jw_kstr(&w, "type", type);
    jw_kstr(&w, "id", id);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}
