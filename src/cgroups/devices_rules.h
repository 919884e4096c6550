/* The effective device rule list of a container: the config's rules, then
 * the devices every container needs (/dev/null, ...) and linux.devices, the
 * way runc adds them. Later rules win. */
#ifndef NOOK_CGROUPS_DEVICES_RULES_H
#define NOOK_CGROUPS_DEVICES_RULES_H

#include <stddef.h>

#include "oci/config.h"

typedef struct nk_cg_dev_rule {
    bool allow;
    char type;            /* 'a', 'c', 'b' */
    int64_t major, minor; /* -1: any */
    unsigned access;      /* NK_DEV_* bits */
} nk_cg_dev_rule;

enum { NK_DEV_MKNOD = 1, NK_DEV_READ = 2, NK_DEV_WRITE = 4 };

/* NULL when the config has no device rules (nothing to enforce). */
nk_cg_dev_rule *nk_cg_dev_rules(const oci_config *c, const oci_device_cgroup *d, size_t n,
                                size_t *out_n);

#endif
