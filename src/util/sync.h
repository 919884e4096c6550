/* Parent <-> child messages over a SOCK_SEQPACKET socketpair. Every message
 * is length-checked on receipt (SECURITY.md rule 7, CVE-2021-43784). */
#ifndef NOOK_UTIL_SYNC_H
#define NOOK_UTIL_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum nk_sync_type {
    NK_SYNC_GO = 1,     /* parent -> child: ids mapped, carry on */
    NK_SYNC_USERMAP,    /* child -> parent: write my uid/gid maps */
    NK_SYNC_PID,        /* intermediate -> parent: value = init's pid */
    NK_SYNC_READY,      /* init -> parent: set up, waiting for start */
    NK_SYNC_ERROR,      /* child -> parent: value = errno, payload = text */
    NK_SYNC_SECCOMP_FD, /* child -> parent: carries the seccomp notify fd (SCM_RIGHTS) */
    NK_SYNC_HOOKS,      /* init -> parent: run prestart/createRuntime hooks, then GO */
} nk_sync_type;

#define NK_SYNC_MAX_PAYLOAD 4096

typedef struct nk_sync_msg {
    uint32_t type;
    int32_t value;
    uint32_t len;                          /* payload bytes that follow the header */
    char payload[NK_SYNC_MAX_PAYLOAD + 1]; /* NUL-terminated on receipt */
    int fd; /* the passed fd of NK_SYNC_SECCOMP_FD (caller closes), else -1 */
} nk_sync_msg;

int nk_sync_pair(int fds[2], nk_error **err);
int nk_sync_send(int fd, nk_sync_type type, int32_t value, const char *payload, nk_error **err);
/* Send a message carrying one fd (SCM_RIGHTS). */
int nk_sync_send_fd(int fd, nk_sync_type type, int pass_fd, nk_error **err);
/* Fills *msg; EOF (the peer exited) is an error with errnum 0. */
int nk_sync_recv(int fd, nk_sync_msg *msg, nk_error **err);
/* Receive and require a type; an NK_SYNC_ERROR message becomes *err. */
int nk_sync_expect(int fd, nk_sync_type type, nk_sync_msg *msg, nk_error **err);
/* Child side: send err as NK_SYNC_ERROR (best effort). */
void nk_sync_send_error(int fd, nk_error *err);

#endif
