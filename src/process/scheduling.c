/* process.scheduler (sched_setattr) and process.ioPriority (ioprio_set). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "process/internal.h"

/* uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER0; glibc 2.36 lacks it */
typedef struct nk_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
} nk_sched_attr;

static const struct {
    const char *name;
    uint64_t value;
} sched_flag_values[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

int nk_process_set_scheduler(const oci_process *p, nk_error **err)
{
    if (!p->has_scheduler)
        return 0;
    const oci_scheduler *s = &p->scheduler;
    nk_sched_attr a = {
        .size = sizeof(a),
        .sched_policy = (uint32_t)s->policy_value,
        .sched_nice = s->nice,
        .sched_priority = (uint32_t)s->priority,
        .sched_runtime = s->runtime,
        .sched_deadline = s->deadline,
        .sched_period = s->period,
    };
    for (size_t i = 0; i < s->flags.len; i++)
        for (size_t j = 0; j < sizeof(sched_flag_values) / sizeof(sched_flag_values[0]); j++)
            if (strcmp(s->flags.v[i], sched_flag_values[j].name) == 0)
                a.sched_flags |= sched_flag_values[j].value;
    if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
        return nk_err(err, errno, "process.scheduler: sched_setattr(%s)", s->policy);
    return 0;
}

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

int nk_process_set_io_priority(const oci_process *p, nk_error **err)
{
    if (!p->has_io_priority)
        return 0;
    int prio = (p->io_priority.class_value << IOPRIO_CLASS_SHIFT) | p->io_priority.priority;
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
        return nk_err(err, errno, "process.ioPriority: ioprio_set(%s, %d)",
                      p->io_priority.class_name, p->io_priority.priority);
    return 0;
}
