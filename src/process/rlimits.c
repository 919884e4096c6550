/* process.rlimits, applied inside the container so a lowered RLIMIT_NPROC
 * counts against the container's user, not the runtime's. */
#include <errno.h>
#include <sys/resource.h>

#include "process/internal.h"

int nk_process_set_rlimits(const oci_process *p, nk_error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const oci_rlimit *r = &p->rlimits[i];
        /* uint64 max is RLIM_INFINITY, which is what the JSON means by it. */
        struct rlimit lim = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};

        /* Raising a hard limit needs CAP_SYS_RESOURCE in the bounding set of
         * the initial namespace: without it this is EPERM, and a silent
         * partial apply would hide that from the caller. */
        if (setrlimit((__rlimit_resource_t)r->resource, &lim) < 0)
            return nk_err(err, errno, "process.rlimits[%zu]: setrlimit %s", i, r->type);
    }
    return 0;
}
