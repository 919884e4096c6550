/* process.execCPUAffinity: "initial" while the runtime sets the process
 * up, "final" for what it execs. */
#include <errno.h>
#include <sched.h>

#include "process.h"
#include "process/internal.h"

static int set_affinity(const char *list, const char *path, nk_error **err)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (list == NULL) {
        /* no "final": every CPU, which the cgroup's cpuset narrows */
        for (int i = 0; i < CPU_SETSIZE; i++)
            CPU_SET(i, &set);
    } else if (nk_parse_id_list(list, (unsigned long *)&set, CPU_SETSIZE, path, err) < 0) {
        return -1;
    }
    if (sched_setaffinity(0, sizeof(set), &set) < 0)
        return nk_err(err, errno, "%s: sched_setaffinity(\"%s\")", path, list ? list : "all");
    return 0;
}

int nk_process_initial_affinity(const oci_process *p, nk_error **err)
{
    if (!p->has_exec_cpu_affinity || p->exec_cpu_affinity.initial == NULL)
        return 0;
    return set_affinity(p->exec_cpu_affinity.initial, "process.execCPUAffinity.initial", err);
}

int nk_process_final_affinity(const oci_process *p, nk_error **err)
{
    if (!p->has_exec_cpu_affinity)
        return 0;
    const oci_cpu_affinity *a = &p->exec_cpu_affinity;
    if (a->final == NULL && a->initial == NULL)
        return 0;
    return set_affinity(a->final, "process.execCPUAffinity.final", err);
}
