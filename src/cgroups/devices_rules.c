/* Device rules: the config's, then the ones every container needs. */
#include <stdlib.h>
#include <string.h>

#include "cgroups/devices_rules.h"
#include "util/xalloc.h"

static const nk_cg_dev_rule needed[] = {
    {true, 'c', -1, -1, NK_DEV_MKNOD}, /* mknod of any node; access is checked on open */
    {true, 'b', -1, -1, NK_DEV_MKNOD},
    {true, 'c', 1, 3, 7},    /* null */
    {true, 'c', 1, 5, 7},    /* zero */
    {true, 'c', 1, 7, 7},    /* full */
    {true, 'c', 1, 8, 7},    /* random */
    {true, 'c', 1, 9, 7},    /* urandom */
    {true, 'c', 5, 0, 7},    /* tty */
    {true, 'c', 5, 1, 7},    /* console */
    {true, 'c', 5, 2, 7},    /* ptmx */
    {true, 'c', 136, -1, 7}, /* pts */
};

static unsigned access_bits(const char *a)
{
    if (a == NULL)
        return NK_DEV_MKNOD | NK_DEV_READ | NK_DEV_WRITE;
    unsigned bits = 0;
    for (; *a; a++)
        bits |= *a == 'r' ? NK_DEV_READ : *a == 'w' ? NK_DEV_WRITE : *a == 'm' ? NK_DEV_MKNOD : 0;
    return bits;
}

nk_cg_dev_rule *nk_cg_dev_rules(const oci_config *c, const oci_device_cgroup *d, size_t n,
                                size_t *out_n)
{
    *out_n = 0;
    if (n == 0)
        return NULL;
    size_t nd = c != NULL ? c->linux.n_devices : 0;
    size_t n_needed = sizeof(needed) / sizeof(needed[0]);
    nk_cg_dev_rule *v = xcalloc(n + n_needed + nd, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        v[k].allow = d[i].allow;
        v[k].type = d[i].type ? d[i].type : 'a';
        v[k].major = d[i].has_major ? d[i].major : -1;
        v[k].minor = d[i].has_minor ? d[i].minor : -1;
        v[k].access = access_bits(d[i].access);
        k++;
    }
    /* after the config's rules, so a deny-all cannot take these away;
     * `update` passes no config, so no linux.devices then */
    for (size_t i = 0; i < n_needed; i++)
        v[k++] = needed[i];
    for (size_t i = 0; i < nd; i++) {
        const oci_device *dev = &c->linux.devices[i];
        if (dev->type == 'p')
            continue;
        v[k++] = (nk_cg_dev_rule){true, dev->type == 'b' ? 'b' : 'c', dev->major, dev->minor, 7};
    }
    *out_n = k;
    return v;
}
