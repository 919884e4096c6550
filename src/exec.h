/* `exec`: a new process in a running container, set up exactly like init
 * (nk_process_setup/nk_process_exec) after joining its namespaces. */
#ifndef NOOK_EXEC_H
#define NOOK_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "oci/config.h"
#include "util/error.h"

typedef struct nk_exec_opts {
    const char *id;
    const char *process_file; /* --process: an OCI process object; the flags below that
                                 shape the process are then ignored, as with runc */
    char **args;              /* after the id */
    int n_args;
    bool detach;
    bool tty;
    const char *console_socket; /* absolute, NULL: none */
    const char *pid_file;       /* absolute, NULL: none */
    const char *cwd;
    const char *const *env;
    size_t n_env;
    const char *user; /* UID[:GID] */
    const char *const *additional_gids;
    size_t n_additional_gids;
    const char *const *caps;
    size_t n_caps;
    int preserve_fds;
    bool no_new_privs;
    const char *apparmor;
    const char *process_label;
    const char *cgroup; /* --cgroup: [controller:]path below the container's cgroup */
    bool ignore_paused;
} nk_exec_opts;

/* Foreground: *exit_status is the process's (128+N for signal N); detached: 0. */
int nk_container_exec(nk_context *ctx, const nk_exec_opts *o, int *exit_status, nk_error **err);

/* The process to run: --process FILE, or the container's process with the
 * flags applied (runc's rules: --env appends, later keys win; --cap adds to
 * the bounding, effective and permitted sets, never inheritable or ambient;
 * --user UID[:GID] strictly decimal, GID 0 when omitted). Replaces
 * config->process. */
int nk_exec_build_process(const nk_exec_opts *o, oci_config *config, nk_error **err);

/* Strict unsigned decimal id ("1", never "1x", "+1", " 1" or "0x1"), at most
 * 4294967294 ((uid_t)-1 means "unchanged" to the kernel). */
int nk_parse_id(const char *s, uint32_t *out);

#endif
