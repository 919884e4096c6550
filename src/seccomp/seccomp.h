/* linux.seccomp: the OCI profile compiled by libseccomp into a BPF program in
 * the parent (where the state root and its cache are reachable), loaded by
 * the container's process with one seccomp(2) call as late as possible.
 *
 *   parent:  nk_seccomp_prepare()  profile -> nk_seccomp_prog (cache or compile)
 *   child:   nk_seccomp_apply()    at the stage nk_seccomp_stage() names
 *   parent:  nk_seccomp_send_listener() when the child sent a notify fd
 */
#ifndef NOOK_SECCOMP_SECCOMP_H
#define NOOK_SECCOMP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "oci/json_write.h"
#include "util/error.h"

/* A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). Plain memory:
 * the child inherits it through clone. */
typedef struct nk_seccomp_prog {
    void *insns;    /* struct sock_filter[len] */
    size_t len;     /* instructions */
    unsigned flags; /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
    bool notify;    /* has SCMP_ACT_NOTIFY: load with NEW_LISTENER, send the fd */
    bool from_cache;
} nk_seccomp_prog;

/* Where in the child's setup the filter goes in. */
typedef enum nk_seccomp_stage {
    /* before the uid switch and the capability sets: without no_new_privs the
     * kernel wants CAP_SYS_ADMIN, which the container's process may lack */
    NK_SECCOMP_BEFORE_SETUP,
    /* after setup, before READY: the notify fd must reach the parent while it
     * still listens on the sync socket */
    NK_SECCOMP_BEFORE_READY,
    /* right before execve: nothing of nook's own setup is filtered */
    NK_SECCOMP_BEFORE_EXEC,
} nk_seccomp_stage;

/* Compile sc (or take it from the cache under cache_root, NULL = no cache)
 * into *out. Errors name the JSON path (linux.seccomp...). */
int nk_seccomp_prepare(const oci_seccomp *sc, const char *cache_root, nk_seccomp_prog *out,
                       nk_error **err);
void nk_seccomp_prog_clear(nk_seccomp_prog *p);

/* The stage at which a process with these attributes must load the filter. */
nk_seccomp_stage nk_seccomp_stage_for(const nk_seccomp_prog *p, const oci_process *proc);

/* Child side: load p if stage is the one nk_seccomp_stage_for() names (a no-op
 * otherwise, and for p == NULL). With a notify filter the listener fd goes
 * to the parent as an NK_SYNC_SECCOMP_FD message on sync_fd and is closed. */
int nk_seccomp_apply(const nk_seccomp_prog *p, const oci_process *proc, nk_seccomp_stage stage,
                     int sync_fd, nk_error **err);

/* Parent side: send notify_fd and the container process state to
 * linux.seccomp.listenerPath (SCM_RIGHTS over a SOCK_STREAM unix socket, as
 * the runtime-spec says). state_json is the container's state object. */
int nk_seccomp_send_listener(const oci_seccomp *sc, int notify_fd, pid_t pid,
                             const char *state_json, nk_error **err);

/* The runtime-spec features document's "seccomp" object (the value; the
 * caller writes the key): enabled, actions, operators, archs, knownFlags,
 * supportedFlags (probed on this kernel). */
void nk_seccomp_features_write(jw *w);

/* libseccomp's run-time version as "major.minor.micro", NULL when unknown. */
const char *nk_seccomp_lib_version(void);

#endif
