/* cgroup conversions and path rules that need no cgroup filesystem. */
#include <string.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "unit.h"
#include "util/cleanup.h"

TEST(shares_to_weight_quadratic_curve)
{
    CHECK(nk_cg_shares_to_weight(0) == 0); /* unset */
    CHECK(nk_cg_shares_to_weight(2) == 1);
    CHECK(nk_cg_shares_to_weight(1024) == 100);
    CHECK(nk_cg_shares_to_weight(262144) == 10000);
    CHECK(nk_cg_shares_to_weight(1000000) == 10000);
    /* between the anchors the curve is above the old linear 1+(s-2)*9999/262142 */
    CHECK(nk_cg_shares_to_weight(512) == 59);
    CHECK(nk_cg_shares_to_weight(2048) == 174);
}

TEST(blkio_weight_to_io_weight)
{
    CHECK(nk_cg_blkio_to_io_weight(10) == 1);
    CHECK(nk_cg_blkio_to_io_weight(1000) == 10000);
    CHECK(nk_cg_blkio_to_io_weight(500) == 4950);
}

static const char *swap_of(int64_t limit, int64_t swap, bool has_swap, char *buf, int *rc)
{
    oci_memory m = {.has_limit = true, .limit = limit, .has_swap = has_swap, .swap = swap};
    bool write = false;
    nk_error *err = NULL;
    *rc = nk_cg_swap_max(&m, &write, buf, 32, &err);
    nk_error_free(err);
    return *rc == 0 && write ? buf : "-";
}

TEST(swap_is_memory_plus_swap_minus_limit)
{
    char buf[32];
    int rc;
    CHECK_STREQ(swap_of(100, 300, true, buf, &rc), "200");
    CHECK_STREQ(swap_of(100, 100, true, buf, &rc), "0"); /* limit == swap: no swap */
    CHECK_STREQ(swap_of(100, -1, true, buf, &rc), "max");
    CHECK_STREQ(swap_of(-1, 0, false, buf, &rc), "max"); /* unlimited memory, swap unset */
    CHECK_STREQ(swap_of(100, 0, false, buf, &rc), "-");  /* unset: untouched */
    swap_of(100, 50, true, buf, &rc);
    CHECK(rc < 0); /* below the limit */
    swap_of(-1, 50, true, buf, &rc);
    CHECK(rc < 0); /* swap without a memory limit */
}

/* 0 ok, -1 refused naming linux.cgroupsPath, -2 refused without naming it */
static int resolve(const char *in, char **out)
{
    nk_error *err = NULL;
    int rc = nk_cgroup_resolve_path(in, "c1", out, &err);
    if (rc < 0 && strstr(nk_error_text(err), "linux.cgroupsPath") == NULL)
        rc = -2;
    nk_error_free(err);
    return rc;
}

TEST(cgroups_path_default_absolute_relative)
{
    _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
    CHECK(resolve(NULL, &a) == 0);
    CHECK_STREQ(a, "/nook/c1");
    CHECK(resolve("/k8s/pod1/c1", &b) == 0);
    CHECK_STREQ(b, "/k8s/pod1/c1");
    CHECK(resolve("mine/c1", &c) == 0);
    CHECK_STREQ(c, "/mine/c1");
}

TEST(cgroups_path_refuses_escapes)
{
    char *p = NULL;
    const char *bad[] = {"/..", "../x", "/a/../../b", "a//b", "/a/./b", "/a/", "/", "s:p:n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(resolve(bad[i], &p) == -1);
        CHECK(p == NULL);
    }
}

TEST(limit_str)
{
    char buf[32];
    nk_cg_limit_str(-1, buf, sizeof(buf));
    CHECK_STREQ(buf, "max");
    nk_cg_limit_str(0, buf, sizeof(buf));
    CHECK_STREQ(buf, "0");
    nk_cg_limit_str(4096, buf, sizeof(buf));
    CHECK_STREQ(buf, "4096");
}
