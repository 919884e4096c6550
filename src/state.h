/* <root>/<id>/: the on-disk record of a container. The directory is created
 * atomically (mkdir decides who wins a create race) and flock()ed: exclusive
 * for commands that change it, shared for readers. */
#ifndef NOOK_STATE_H
#define NOOK_STATE_H

#include <stdbool.h>

#include <stddef.h>

#include "cgroups/cgroups.h"
#include "context.h"
#include "oci/config.h"
#include "oci/state_json.h"
#include "util/error.h"

#define NK_EXEC_FIFO "exec.fifo"

typedef struct nk_state_dir {
    int fd;     /* the container directory, locked */
    char *path; /* <root>/<id> */
    char *id;
    uid_t uid; /* the directory's owner, who `list` says owns the container */
} nk_state_dir;

/* mkdir <root>/<id>, lock it exclusively. EEXIST → `container "id" already exists`. */
/* The state root (--root), made 0700 with its parents when missing. */
int nk_state_root_create(const nk_context *ctx, nk_error **err);
int nk_state_dir_create(const nk_context *ctx, const char *id, nk_state_dir *d, nk_error **err);
/* Open and lock (LOCK_EX, LOCK_SH, or 0 for no lock). ENOENT → `container "id" does not exist`. */
int nk_state_dir_open(const nk_context *ctx, const char *id, int lock, nk_state_dir *d,
                      nk_error **err);
/* Remove everything in it and the directory itself. */
int nk_state_dir_remove(nk_state_dir *d, nk_error **err);
void nk_state_dir_close(nk_state_dir *d);

int nk_state_save(const nk_state_dir *d, const nk_state *s, nk_error **err);
/* Loads state.json and computes the live status (pid reuse detected). */
int nk_state_load(const nk_state_dir *d, nk_state **out, nk_error **err);

/* One container's state: dir/<prefix>state.json and its live status, the
 * exec.fifo being dir/<prefix>exec.fifo; errors name `where/<prefix>`. */
int nk_state_load_at(int dir, const char *prefix, const char *where, const char *id, int proc_fd,
                     nk_cgroup_freezer_reader *freezer, nk_state **out, nk_error **err);

/* state_reader.c: many containers' states in a row (list), the root, /proc
 * and the freezer opened once, each container's files reached below the root. */
typedef struct nk_state_reader {
    const char *root;
    int root_fd;
    int proc_fd;
    nk_cgroup_freezer_reader freezer;
} nk_state_reader;
int nk_state_reader_open(const nk_context *ctx, nk_state_reader *r, nk_error **err);
/* What nk_state_load gives for the (validated) id, without a lock or an fd
 * of its directory; *owner: the directory's owner. */
int nk_state_reader_load(nk_state_reader *r, const char *id, nk_state **out, uid_t *owner,
                         nk_error **err);
void nk_state_reader_close(nk_state_reader *r);

/* state_config.c: a copy of the bundle's config.json taken at create. */
int nk_state_save_config(const nk_state_dir *d, const char *json, size_t len, nk_error **err);
/* The copy, or bundle/config.json when there is none. */
int nk_state_load_config(const nk_state_dir *d, const char *bundle, oci_config **out,
                         nk_error **err);

/* Ids of every directory under the root (sorted); a missing root is empty. */
int nk_state_list_ids(const nk_context *ctx, char ***ids, size_t *n, nk_error **err);

/* RFC 3339, UTC, nanoseconds: what runc writes as "created". */
char *nk_state_now_rfc3339(void);

#endif
