/* libFuzzer: the v1 cgroup discovery (src/cgroups/layout.c) on a host's
 * /proc/cgroups and /proc/self/mountinfo, split at the input's first NUL.
 * Besides crashes, leaks and UB: every hierarchy found has a controller, no
 * controller is found twice, and each mount point is one of the input's
 * "cgroup" mounts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul == NULL)
        return 0;
    char *proc = xstrndup((const char *)data, (size_t)(nul - data));
    char *text = xstrndup((const char *)nul + 1, size - (size_t)(nul - data) - 1);
    nk_mountinfo *m = NULL;
    size_t n = 0;
    nk_mountinfo_parse(text, &m, &n);
    nk_cg_layout l = {0};
    nk_error *err = NULL;
    if (nk_cg_v1_hiers_find(proc, m, n, &l, &err) == 0) {
        for (size_t i = 0; i < l.n_hiers; i++) {
            if (l.hiers[i].ctrls[0] == NULL)
                abort();
            bool listed = false;
            for (size_t j = 0; j < n && !listed; j++)
                listed = strcmp(m[j].fstype, "cgroup") == 0 &&
                         strcmp(m[j].mountpoint, l.hiers[i].mount) == 0;
            if (!listed)
                abort();
            for (char **c = l.hiers[i].ctrls; *c; c++)
                for (size_t k = 0; k < l.n_hiers; k++)
                    for (char **d = l.hiers[k].ctrls; *d; d++)
                        if (d != c && strcmp(*c, *d) == 0)
                            abort();
        }
    } else if (err == NULL || err->msg == NULL) {
        abort();
    }
    nk_error_free(err);
    nk_cg_layout_clear(&l);
    nk_mountinfo_free(m, n);
    free(text);
    free(proc);
    return 0;
}
