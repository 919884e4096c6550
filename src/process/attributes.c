/* The kernel-level attributes of the container's process beyond
 * credentials: applied by init (and exec) while still privileged, right
 * before nk_process_setup, so nothing the container runs precedes them. */
#include "process.h"
#include "process/internal.h"

int nk_process_check_attrs(const oci_process *p, const oci_linux *l, nk_error **err)
{
    if (nk_lsm_check(p, l, err) < 0)
        return -1;
    if (l != NULL &&
        (nk_process_check_personality(l, err) < 0 || nk_process_check_memory_policy(l, err) < 0))
        return -1;
    if (!p->has_exec_cpu_affinity)
        return 0;
    cpu_mask mask;
    const oci_cpu_affinity *a = &p->exec_cpu_affinity;
    if (a->initial != NULL && nk_parse_id_list(a->initial, mask.bits, NK_MAX_CPUS,
                                               "process.execCPUAffinity.initial", err) < 0)
        return -1;
    if (a->final != NULL && nk_parse_id_list(a->final, mask.bits, NK_MAX_CPUS,
                                             "process.execCPUAffinity.final", err) < 0)
        return -1;
    return 0;
}

int nk_process_set_attrs(const oci_process *p, const oci_linux *l, nk_error **err)
{
    if (l != NULL &&
        (nk_process_set_personality(l, err) < 0 || nk_process_set_memory_policy(l, err) < 0))
        return -1;
    if (nk_process_set_io_priority(p, err) < 0 || nk_process_set_scheduler(p, err) < 0 ||
        nk_lsm_set_exec_labels(p, err) < 0)
        return -1;
    return nk_process_final_affinity(p, err);
}
