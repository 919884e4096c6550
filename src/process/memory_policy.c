/* linux.memoryPolicy: the NUMA policy (set_mempolicy) the container's
 * process and its children allocate with. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "process/internal.h"

#define NK_MAX_NODES 1024

static const struct {
    const char *name;
    int value;
} modes[] = {
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6},
};

static const struct {
    const char *name;
    int value;
} flags[] = {
    {"MPOL_F_NUMA_BALANCING", 1 << 13},
    {"MPOL_F_RELATIVE_NODES", 1 << 14},
    {"MPOL_F_STATIC_NODES", 1 << 15},
};

static int parse(const oci_memory_policy *mp, int *mode, unsigned long *mask, nk_error **err)
{
    *mode = -1;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(mp->mode, modes[i].name) == 0)
            *mode = modes[i].value;
    for (size_t i = 0; i < mp->flags.len; i++)
        for (size_t j = 0; j < sizeof(flags) / sizeof(flags[0]); j++)
            if (strcmp(mp->flags.v[i], flags[j].name) == 0)
                *mode |= flags[j].value;
    bool wants_nodes = *mode != 0 && (*mode & 0xff) != 4; /* not DEFAULT or LOCAL */
    if (mp->nodes == NULL || mp->nodes[0] == '\0') {
        memset(mask, 0, NK_MAX_NODES / 8);
        if (wants_nodes && (*mode & 0xff) != 1) /* PREFERRED alone means "local" */
            return nk_err(err, 0, "config.json: linux.memoryPolicy.nodes: required by %s",
                          mp->mode);
        return 0;
    }
    if (!wants_nodes)
        return nk_err(err, 0, "config.json: linux.memoryPolicy.nodes: must be empty for %s",
                      mp->mode);
    return nk_parse_id_list(mp->nodes, mask, NK_MAX_NODES, "linux.memoryPolicy.nodes", err);
}

int nk_process_check_memory_policy(const oci_linux *l, nk_error **err)
{
    if (!l->has_memory_policy)
        return 0;
    int mode;
    unsigned long mask[NK_MAX_NODES / NK_BITS_PER_WORD];
    return parse(&l->memory_policy, &mode, mask, err);
}

int nk_process_set_memory_policy(const oci_linux *l, nk_error **err)
{
    if (!l->has_memory_policy)
        return 0;
    int mode;
    unsigned long mask[NK_MAX_NODES / NK_BITS_PER_WORD];
    if (parse(&l->memory_policy, &mode, mask, err) < 0)
        return -1;
    bool nodes = l->memory_policy.nodes != NULL && l->memory_policy.nodes[0] != '\0';
    if (syscall(SYS_set_mempolicy, mode, nodes ? mask : NULL, nodes ? NK_MAX_NODES + 1 : 0) < 0)
        return nk_err(err, errno, "linux.memoryPolicy: set_mempolicy(%s%s%s)",
                      l->memory_policy.mode, nodes ? ", " : "",
                      nodes ? l->memory_policy.nodes : "");
    return 0;
}
