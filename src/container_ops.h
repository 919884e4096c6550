/* What the cgroup-facing commands ask of a container: update, pause,
 * resume, ps, events, and killing what is left in its cgroup. */
#ifndef NOOK_CONTAINER_OPS_H
#define NOOK_CONTAINER_OPS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "context.h"
#include "oci/config.h"
#include "oci/state_json.h"
#include "util/error.h"

/* Merge patch into the container's current linux.resources, apply it to the
 * cgroup and save the result (<state>/resources.json) for the next update. */
int nk_container_update(nk_context *ctx, const char *id, const oci_resources *patch,
                        nk_error **err);
int nk_container_pause(nk_context *ctx, const char *id, nk_error **err);
int nk_container_resume(nk_context *ctx, const char *id, nk_error **err);
/* The pids in the container's cgroup, sorted. */
int nk_container_pids(nk_context *ctx, const char *id, pid_t **pids, size_t *n, nk_error **err);

typedef struct nk_events_opts {
    bool stats_once; /* print one stats event and return */
    int interval_ms; /* between stats events when streaming */
    FILE *out;       /* one JSON object per line */
} nk_events_opts;
/* Streams until the container stops. */
int nk_container_events(nk_context *ctx, const char *id, const nk_events_opts *o, nk_error **err);

/* kill --all, also after init died: sig to everything in the cgroup. */
int nk_state_kill_all(const nk_state *s, int sig, nk_error **err);
/* delete: SIGKILL whatever is left in the cgroup and wait until it is empty,
 * so the cgroup can be removed. A no-op without a cgroup. */
int nk_state_kill_leftovers(const nk_state *s, nk_error **err);

#endif
