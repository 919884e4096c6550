/* The one cgroup interface the rest of nook uses. Which driver runs (cgroup v2,
 * or v1/hybrid) is decided here from the host layout; callers never branch on
 * the cgroup version.
 *
 * A container's cgroup is named by its cgroup path (the resolved
 * linux.cgroupsPath, e.g. "/nook/<id>"), relative to the root of every
 * hierarchy. That string is what state.json keeps in nook.cgroupPath; every
 * function below that takes a cgroup_path takes that string. */
#ifndef NOOK_CGROUPS_CGROUPS_H
#define NOOK_CGROUPS_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/error.h"

/* The state root (--root), where the v1/hybrid layout cache is kept
 * (<root>/.cgroup-layout, see layout.c). Called once by main; NULL (the
 * default) means every command discovers the layout. */
void nk_cgroup_set_state_root(const char *root);

/* ---------- joining: a new init, an exec'd process ---------- */

/* What a new process needs to join a container's cgroup, or its
 * sub-cgroup `sub` (exec --cgroup; NULL for none; relative, without ".."),
 * in every hierarchy: clone_fd for clone3(CLONE_INTO_CGROUP) into the
 * cgroup2 part (pure v2, and the cgroup2 mount of a hybrid host), -1 when
 * there is none; the `tasks` files of the v1 hierarchies and the cgroup2
 * cgroup.procs (the fallback when clone3 can't), open for writing. */
typedef struct nk_cgroup_join {
    int clone_fd;
    int v2_procs_fd;
    int *tasks_fds;
    size_t n_tasks;
} nk_cgroup_join;

int nk_cgroup_join_open(const char *cgroup_path, const char *sub, nk_cgroup_join *j,
                        nk_error **err);
/* In the (single-threaded) child, before it runs anything else: move itself
 * into every hierarchy (cloned_in: clone3 put it in the cgroup2 one), then
 * close every fd of j. */
int nk_cgroup_join_self(nk_cgroup_join *j, bool cloned_in, nk_error **err);
void nk_cgroup_join_close(nk_cgroup_join *j);

/* ---------- create / destroy (owned by the cgroups driver) ---------- */

/* A cgroup being created for a new container. */
typedef struct nk_cgroup {
    char *path;          /* resolved cgroup path, "/nook/<id>" */
    nk_cgroup_join join; /* for init to join it (nk_cgroup_join_self) */
    bool created;        /* nook made the leaf directory (destroy removes it) */
    void *private;       /* driver data */
} nk_cgroup;

/* linux.cgroupsPath -> cgroup path: absolute as given, relative ones are
 * taken from the hierarchy root ("a/b" -> "/a/b"), NULL -> "/nook/<id>".
 * Refuses "..", "." and empty components, naming linux.cgroupsPath. */
int nk_cgroup_resolve_path(const char *cgroups_path, const char *id, char **out, nk_error **err);

/* Create the container's cgroup for config c (enabling the controllers the
 * resources need in the parents' cgroup.subtree_control on v2), validate and
 * apply linux.resources, and open cg->join for init. On failure nothing is
 * left behind. Free with nk_cgroup_release (which does not remove it). */
int nk_cgroup_create(const oci_config *c, const char *id, nk_cgroup *cg, nk_error **err);
void nk_cgroup_release(nk_cgroup *cg);

/* Remove the cgroup (and sub-cgroups) at cgroup_path in every hierarchy.
 * Processes still inside make it fail with EBUSY; a missing cgroup is
 * success (delete is idempotent). */
int nk_cgroup_destroy(const char *cgroup_path, nk_error **err);

/* ---------- resources ---------- */

/* Apply a LinuxResources to a running container's cgroup (`update`). Only
 * the fields that are set change. memory.checkBeforeUpdate refuses a memory
 * limit below current usage. Errors name the JSON field
 * ("linux.resources.memory.limit: ..."). */
int nk_cgroup_update(const char *cgroup_path, const oci_resources *r, nk_error **err);

/* ---------- state of a running container (owned by the commands engineer:
 * src/cgroups/freeze.c, kill.c, procs.c, stats.c) ---------- */

/* Freeze all processes and wait until the kernel reports the cgroup frozen
 * (v2 cgroup.freeze + cgroup.events; v1 freezer.state FROZEN). */
int nk_cgroup_freeze(const char *cgroup_path, nk_error **err);
int nk_cgroup_thaw(const char *cgroup_path, nk_error **err);
/* *frozen = the cgroup is frozen now (false when the host has no freezer). */
int nk_cgroup_is_frozen(const char *cgroup_path, bool *frozen, nk_error **err);
/* The same for many cgroups in a row (list): the layout is looked up and
 * the freezer's mount opened once, on first use that needs them. */
#define NK_CGROUP_FREEZER_UNOPENED (-2)
typedef struct nk_cgroup_freezer_reader {
    int mount_fd;  /* -1: the host has no freezer */
    bool v2;       /* cgroup.freeze, not the v1 freezer.state */
    bool v2_known; /* v2 is set, the mount perhaps not opened yet */
} nk_cgroup_freezer_reader;
#define NK_CGROUP_FREEZER_READER_INIT                                                              \
    {                                                                                              \
        .mount_fd = NK_CGROUP_FREEZER_UNOPENED                                                     \
    }
/* init_state: the state letter of a process in the cgroup (/proc/<pid>/stat),
 * 0 when unknown; on v1 it can answer without reading the freezer. */
int nk_cgroup_freezer_read(nk_cgroup_freezer_reader *r, const char *cgroup_path, char init_state,
                           bool *frozen, nk_error **err);
void nk_cgroup_freezer_reader_close(nk_cgroup_freezer_reader *r);

/* Send sig to every process in the cgroup and its sub-cgroups (v2 cgroup.kill
 * for SIGKILL). Works when init is already dead. */
int nk_cgroup_kill_all(const char *cgroup_path, int sig, nk_error **err);

/* Every pid in the cgroup and its sub-cgroups, sorted, no duplicates.
 * *pids is malloc'ed. */
int nk_cgroup_pids(const char *cgroup_path, pid_t **pids, size_t *n, nk_error **err);

/* `events --stats`, runc's shape. Fields the host can't provide stay 0. */
typedef struct nk_cgroup_stats {
    struct {
        uint64_t usage_total, usage_kernel, usage_user; /* nanoseconds */
        uint64_t *percpu;
        size_t n_percpu;
        uint64_t throttling_periods, throttled_periods, throttled_time;
    } cpu;
    struct {
        uint64_t usage, max_usage, failcnt, limit;
        uint64_t swap_usage, swap_limit;
        uint64_t cache;
        uint64_t oom_kill; /* memory.events oom_kill (v2) / memory.oom_control (v1) */
        oci_map raw;       /* memory.stat as key -> decimal string */
    } memory;
    struct {
        uint64_t current, limit; /* limit 0 = unlimited */
    } pids;
} nk_cgroup_stats;

int nk_cgroup_stats_read(const char *cgroup_path, nk_cgroup_stats *st, nk_error **err);
void nk_cgroup_stats_clear(nk_cgroup_stats *st);

#endif
