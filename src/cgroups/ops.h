/* Cgroup operations the container commands need beyond cgroups.h (pause,
 * kill --all, ps, events, delete --force). Implemented for both drivers in
 * freeze.c, kill.c, procs.c, stats.c and oom.c. */
#ifndef NOOK_CGROUPS_OPS_H
#define NOOK_CGROUPS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "cgroups/internal.h"
#include "util/error.h"

/* Wait up to timeout_ms until no process is left in the cgroup (zombies
 * excepted): what must hold before nk_cgroup_destroy can rmdir it. */
int nk_cgroup_wait_empty(const char *cgroup_path, int timeout_ms, nk_error **err);

/* *exists = the container's cgroup directory is there (in the hierarchy
 * that lists its processes). */
int nk_cgroup_exists(const char *cgroup_path, bool *exists, nk_error **err);

/* OOM notifications for `events`: v2 watches memory.events (inotify), v1
 * registers an eventfd on memory.oom_control. fd is what to poll (POLLIN). */
typedef struct nk_cgroup_oom_watch {
    int fd;             /* -1: the host has no memory controller for this cgroup */
    bool v2;            /* fd is an inotify fd on memory.events */
    char *events_dir;   /* v2: the cgroup directory */
    uint64_t last_kill; /* v2: oom_kill count already reported */
} nk_cgroup_oom_watch;

int nk_cgroup_oom_watch_open(const char *cgroup_path, nk_cgroup_oom_watch *w, nk_error **err);
/* After fd polled readable: *ooms = how many new OOM kills happened (0 for
 * an unrelated change). */
int nk_cgroup_oom_watch_read(nk_cgroup_oom_watch *w, uint64_t *ooms, nk_error **err);
void nk_cgroup_oom_watch_close(nk_cgroup_oom_watch *w);

/* ---------- shared by the files above, not for outside src/cgroups ---------- */

/* Pids listed in dir/cgroup.procs and every sub-cgroup's, appended to
 * *pids (realloc'ed); unsorted, may repeat. A missing dir adds nothing. */
int nk_cg_collect_pids(const char *dir, pid_t **pids, size_t *n, nk_error **err);
/* The directory whose cgroup.procs lists the container's processes: the v2
 * cgroup on unified hosts; on v1 the freezer's (else pids, memory, cpu, any). */
char *nk_cg_procs_dir(const nk_cg_layout *l, const char *path);

#endif
