/* state.json (the on-disk record of a container) and the JSON that
 * `state`, `list --format json` and `ps --format json` print. */
#ifndef NOOK_OCI_STATE_JSON_H
#define NOOK_OCI_STATE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/error.h"

typedef struct nk_state {
    /* runc's fields, printed by `state` and `list` */
    char *oci_version;
    char *id;
    pid_t pid;    /* 0 when stopped */
    char *status; /* created | running | paused | stopped (computed, not trusted from disk) */
    char *bundle;
    char *rootfs;
    char *created; /* RFC 3339 with nanoseconds, UTC: 2026-01-02T03:04:05.123456789Z */
    oci_map annotations;
    char *owner;
    /* nook's own, kept in state.json under "nook" and never printed by `state` */
    uint64_t init_start_time; /* /proc/<pid>/stat field 22, detects pid reuse */
    bool own_pid_ns;          /* init runs in a pid namespace nook created */
    char *cgroup_path;        /* NULL until a cgroup driver exists */
    bool rootless;
} nk_state;

/* with_private: include the "nook" object (state.json on disk); without it,
 * exactly runc's fields (what `state` prints). Output is pretty-printed like
 * runc's `state` when pretty is true. */
int oci_state_to_json(const nk_state *s, bool with_private, bool pretty, char **out, size_t *len,
                      nk_error **err);
int oci_state_parse(const char *json, size_t len, nk_state **out, nk_error **err);
/* `list --format json`: array of public objects ("[]" when n == 0). */
int oci_state_list_to_json(nk_state *const *states, size_t n, char **out, size_t *len,
                           nk_error **err);
/* `ps --format json`: a bare array of ints. */
int oci_pids_to_json(const pid_t *pids, size_t n, char **out, size_t *len, nk_error **err);
void nk_state_free(nk_state *s);
void nk_state_freep(nk_state **s);

/* `spec`: a default config.json like runc's (busybox-friendly "sh" as args,
 * terminal true, runc's default caps/mounts/masked/readonly paths); rootless
 * adds a user namespace with the caller's ids mapped and drops what an
 * unprivileged user cannot do. */
int oci_spec_default(bool rootless, uid_t uid, gid_t gid, char **out, size_t *len, nk_error **err);

#define _cleanup_state_ __attribute__((cleanup(nk_state_freep)))

#endif
