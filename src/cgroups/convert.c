/* OCI (cgroup v1 units) -> cgroup v2 values. Pure functions: unit tested. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cgroups/internal.h"

uint64_t nk_cg_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares <= 2)
        return 1;
    if (shares >= 262144)
        return 10000;
    /* A parabola in log2(shares) through (2, 1), (1024, 100), (262144, 10000),
     * the curve runc >= 1.3.2 and crun >= 1.23 use: the old linear map gave
     * the default 1024 shares a weight of 39 instead of the default 100. */
    double l = log2((double)shares);
    double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
    return (uint64_t)ceil(pow(10.0, exponent));
}

uint64_t nk_cg_blkio_to_io_weight(uint64_t w)
{
    if (w == 0)
        return 0;
    /* linear [10, 1000] -> [1, 10000] */
    return 1 + (w - 10) * 9999 / 990;
}

void nk_cg_limit_str(int64_t v, char *buf, size_t len)
{
    if (v < 0)
        snprintf(buf, len, "max");
    else
        snprintf(buf, len, "%" PRId64, v);
}

int nk_cg_swap_max(const oci_memory *m, bool *write, char *buf, size_t len, nk_error **err)
{
    int64_t limit = m->has_limit ? m->limit : 0;
    int64_t swap = m->has_swap ? m->swap : 0;
    *write = false;
    /* like v1: an unlimited memory with swap unset means unlimited swap too */
    if (limit == -1 && swap == 0) {
        *write = true;
        snprintf(buf, len, "max");
        return 0;
    }
    if (swap == 0)
        return 0; /* unset */
    *write = true;
    if (swap == -1) {
        snprintf(buf, len, "max");
        return 0;
    }
    if (limit == 0 || limit == -1)
        return nk_err(err, EINVAL,
                      "linux.resources.memory.swap: cannot limit swap without a memory limit");
    if (swap < limit)
        return nk_err(err, EINVAL,
                      "linux.resources.memory.swap: %" PRId64 " is below memory.limit %" PRId64
                      " (swap is memory+swap)",
                      swap, limit);
    /* OCI swap counts memory+swap, memory.swap.max only swap */
    snprintf(buf, len, "%" PRId64, swap - limit);
    return 0;
}
