/* The container lifecycle: what each CLI command asks of the core. */
#ifndef NOOK_CONTAINER_H
#define NOOK_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "oci/state_json.h"
#include "util/error.h"

typedef struct nk_create_opts {
    const char *id;
    const char *bundle;         /* NULL: the current directory */
    const char *pid_file;       /* NULL: none */
    const char *console_socket; /* NULL: none */
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    bool detach; /* run only */
    bool keep;   /* run only: do not delete the stopped container */
} nk_create_opts;

int nk_container_create(nk_context *ctx, const nk_create_opts *o, nk_error **err);
int nk_container_start(nk_context *ctx, const char *id, nk_error **err);
/* Foreground run fills *exit_status (128+N for a signal); detached run sets 0. */
int nk_container_run(nk_context *ctx, const nk_create_opts *o, int *exit_status, nk_error **err);
/* Fills a freshly loaded state with its status computed now. */
int nk_container_state(nk_context *ctx, const char *id, nk_state **out, nk_error **err);
int nk_container_list(nk_context *ctx, nk_state ***out, size_t *n, nk_error **err);
int nk_container_kill(nk_context *ctx, const char *id, int sig, bool all, nk_error **err);
int nk_container_delete(nk_context *ctx, const char *id, bool force, nk_error **err);

/* SECURITY.md rule 7. */
int nk_validate_id(const char *id, nk_error **err);

#endif
