/* `update` without a container: runc's size syntax, merging a patch into
 * the resources in force, their JSON round trip, and the events JSON. */
#include <stdint.h>
#include <string.h>

#include "cgroups/cgroups.h"
#include "commands/size.h"
#include "oci/config.h"
#include "oci/events_json.h"
#include "oci/resources_json.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int64_t size_ok(const char *s)
{
    int64_t v = -42;
    nk_error *err = NULL;
    if (nk_parse_ram_size(s, &v, &err) < 0) {
        nk_error_free(err);
        return -42;
    }
    return v;
}

static const char *size_err(const char *s)
{
    static char buf[256];
    int64_t v;
    nk_error *err = NULL;
    if (nk_parse_ram_size(s, &v, &err) == 0)
        return "(accepted)";
    snprintf(buf, sizeof(buf), "%s", nk_error_text(err));
    nk_error_free(err);
    return buf;
}

TEST(sizes_like_go_units)
{
    CHECK(size_ok("1048576") == 1048576);
    CHECK(size_ok("64m") == 64LL << 20);
    CHECK(size_ok("64M") == 64LL << 20);
    CHECK(size_ok("64MB") == 64LL << 20);
    CHECK(size_ok("64MiB") == 64LL << 20);
    CHECK(size_ok("64mib") == 64LL << 20);
    CHECK(size_ok("1.5g") == 3LL << 29);
    CHECK(size_ok("512 k") == 512LL << 10);
    CHECK(size_ok("10b") == 10);
    CHECK(size_ok("2t") == 2LL << 40);
    CHECK(size_ok("1p") == 1LL << 50);
}

TEST(sizes_refused)
{
    CHECK_STREQ(size_err("-5"), "invalid size: '-5'");
    CHECK_STREQ(size_err("abc"), "invalid size: 'abc'");
    CHECK_STREQ(size_err(""), "invalid size: ''");
    CHECK_STREQ(size_err("5x"), "invalid suffix: 'x'");
    CHECK_STREQ(size_err("5mbb"), "invalid suffix: 'mbb'");
    CHECK_STREQ(size_err("5mx"), "invalid suffix: 'mx'");
    CHECK_CONTAINS(size_err("99999999p"), "larger than 9223372036854775807 bytes");
}

static oci_resources *parse(const char *json)
{
    oci_resources *r = NULL;
    nk_error *err = NULL;
    if (oci_resources_parse(json, strlen(json), &r, &err) < 0) {
        fprintf(stderr, "%s\n", nk_error_text(err));
        nk_error_free(err);
        return NULL;
    }
    return r;
}

static char *to_json(const oci_resources *r)
{
    char *out = NULL;
    size_t len = 0;
    nk_error *err = NULL;
    if (oci_resources_to_json(r, &out, &len, &err) < 0) {
        nk_error_free(err);
        return xstrdup("(error)");
    }
    return out;
}

TEST(resources_round_trip)
{
    const char *json =
        "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\","
        "\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
        "\"memory\":{\"limit\":67108864,\"reservation\":1024,\"swap\":-1,\"swappiness\":10,"
        "\"disableOOMKiller\":false,\"checkBeforeUpdate\":true},"
        "\"cpu\":{\"shares\":512,\"quota\":-1,\"burst\":10,\"period\":100000,"
        "\"realtimeRuntime\":5,\"realtimePeriod\":6,\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1},"
        "\"pids\":{\"limit\":-1},"
        "\"blockIO\":{\"weight\":500,\"leafWeight\":300,\"weightDevice\":[{\"major\":8,"
        "\"minor\":0,\"weight\":600}],\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
        "\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":7}]},"
        "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
        "\"network\":{\"classID\":5,\"priorities\":[{\"name\":\"eth0\",\"priority\":3}]},"
        "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":100}},"
        "\"unified\":{\"memory.high\":\"1000000\"}}";
    oci_resources *r = parse(json);
    CHECK(r != NULL);
    _cleanup_free_ char *out = to_json(r);
    CHECK_STREQ(out, json);
    oci_resources *again = parse(out);
    _cleanup_free_ char *out2 = to_json(again);
    CHECK_STREQ(out2, json);
    oci_resources *copy = oci_resources_dup(r);
    _cleanup_free_ char *out3 = to_json(copy);
    CHECK_STREQ(out3, json);
    oci_resources_free(copy);
    oci_resources_free(again);
    oci_resources_free(r);
}

TEST(merge_replaces_only_what_the_patch_sets)
{
    oci_resources *cur = parse("{\"memory\":{\"limit\":100,\"swap\":200},\"cpu\":{\"shares\":2,"
                               "\"cpus\":\"0\"},\"pids\":{\"limit\":20},\"devices\":[{\"allow\":"
                               "false}],\"unified\":{\"a.b\":\"1\",\"c.d\":\"2\"}}");
    oci_resources *patch = parse("{\"memory\":{\"limit\":300},\"cpu\":{\"cpus\":\"1\","
                                 "\"quota\":5},\"blockIO\":{\"weight\":10},"
                                 "\"unified\":{\"c.d\":\"3\",\"e.f\":\"4\"},"
                                 "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}");
    CHECK(cur != NULL && patch != NULL);
    oci_resources_merge(cur, patch);
    _cleanup_free_ char *out = to_json(cur);
    CHECK_STREQ(out, "{\"devices\":[{\"allow\":false}],\"memory\":{\"limit\":300,\"swap\":200},"
                     "\"cpu\":{\"shares\":2,\"quota\":5,\"cpus\":\"1\"},\"pids\":{\"limit\":20},"
                     "\"blockIO\":{\"weight\":10},"
                     "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}],"
                     "\"unified\":{\"a.b\":\"1\",\"c.d\":\"3\",\"e.f\":\"4\"}}");
    oci_resources_free(patch);
    oci_resources_free(cur);
}

TEST(events_json_shape)
{
    nk_cgroup_stats st = {0};
    st.cpu.usage_total = 5000;
    st.cpu.usage_user = 3000;
    uint64_t percpu[] = {4000, 1000};
    st.cpu.percpu = percpu;
    st.cpu.n_percpu = 2;
    st.cpu.throttled_periods = 7;
    st.memory.usage = 4096;
    st.memory.limit = 67108864;
    st.memory.swap_limit = UINT64_MAX;
    oci_kv raw[] = {{"cache", "8"}};
    st.memory.raw.items = raw;
    st.memory.raw.len = 1;
    st.memory.cache = 8;
    st.pids.current = 2;
    _cleanup_free_ char *out = NULL;
    size_t len = 0;
    nk_error *err = NULL;
    CHECK(oci_stats_event_to_json("c1", &st, &out, &len, &err) == 0);
    CHECK_STREQ(out, "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"total\":"
                     "5000,\"percpu\":[4000,1000],\"kernel\":0,\"user\":3000},\"throttling\":{"
                     "\"throttledPeriods\":7}},\"memory\":{\"cache\":8,\"usage\":{\"limit\":"
                     "67108864,\"usage\":4096,\"failcnt\":0},\"swap\":{\"limit\":"
                     "18446744073709551615,\"failcnt\":0},\"raw\":{\"cache\":8}},\"pids\":{"
                     "\"current\":2},\"blkio\":{},\"hugetlb\":{}}}");
    _cleanup_free_ char *oom = NULL;
    CHECK(oci_event_to_json("oom", "c1", &oom, &len, &err) == 0);
    CHECK_STREQ(oom, "{\"type\":\"oom\",\"id\":\"c1\"}");
}
