/* The container's init, from "parent said GO" to execve. */
#ifndef NOOK_INIT_H
#define NOOK_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/config.h"
#include "seccomp/seccomp.h"
#include "util/error.h"

typedef struct nk_init_cfg {
    const oci_config *config;
    const char *id;
    const char *rootfs; /* canonical host path */
    const char *bundle; /* canonical host path: relative mount sources start here */
    int sync_fd;        /* child end of the sync socket */
    int fifo_fd;        /* exec.fifo opened O_RDWR: init blocks reading it until `start` */
    int console_fd;     /* connected --console-socket, -1 without a terminal */
    int preserve_fds;
    bool no_pivot;
    bool no_new_keyring;
    const nk_seccomp_prog *seccomp; /* compiled linux.seccomp, NULL without */
    const int *host_fds;            /* nook's own fds (state dir, log): closed first thing */
    int *idmap_fds; /* per config mount, detached idmapped trees (rootfs/rootfs.h) */
    size_t n_host_fds;
} nk_init_cfg;

/* nk_init_fn: returns only on failure. */
int nk_init_main(void *arg, nk_error **err);

#endif
