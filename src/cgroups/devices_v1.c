/* cgroup v1 device rules: one line per rule into devices.allow/deny, in the
 * config's order (the kernel applies them as they come). */
#include <inttypes.h>
#include <stdio.h>

#include "cgroups/internal.h"

static void num(char *buf, size_t len, int64_t v)
{
    if (v < 0)
        snprintf(buf, len, "*");
    else
        snprintf(buf, len, "%" PRId64, v);
}

int nk_cg_devices_v1(const char *dir, const nk_cg_dev_rule *rules, size_t n, nk_error **err)
{
    for (size_t i = 0; i < n; i++) {
        const nk_cg_dev_rule *r = &rules[i];
        char maj[24], min[24], line[96];
        num(maj, sizeof(maj), r->major);
        num(min, sizeof(min), r->minor);
        snprintf(line, sizeof(line), "%c %s:%s %s%s%s", r->type, maj, min,
                 r->access & NK_DEV_READ ? "r" : "", r->access & NK_DEV_WRITE ? "w" : "",
                 r->access & NK_DEV_MKNOD ? "m" : "");
        if (r->type == 'a')
            snprintf(line, sizeof(line), "a");
        if (nk_cg_write(dir, r->allow ? "devices.allow" : "devices.deny", line, err) < 0)
            return nk_err_wrap(err, "linux.resources.devices");
    }
    return 0;
}
