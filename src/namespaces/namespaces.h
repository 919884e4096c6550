/* Creating and joining namespaces: a new container's init, an exec'd process. */
#ifndef NOOK_NAMESPACES_NAMESPACES_H
#define NOOK_NAMESPACES_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/error.h"

/* Runs in init, in all its namespaces, after the parent said GO. Must not
 * return on success (it execs); a return value is reported as failure. */
typedef int (*nk_init_fn)(void *arg, nk_error **err);

typedef struct nk_spawn {
    const oci_config *config;
    nk_init_fn fn;
    void *arg;
    int sync_parent; /* parent's end of the sync socketpair */
    int sync_child;  /* child's end, inherited by init */
    int cgroup_fd;   /* CLONE_INTO_CGROUP target, -1 for none */
    /* runs in init first of all, before it waits for anything: init moves
     * itself into the rest of its cgroup (v1 hierarchies); NULL for none */
    int (*child_first)(void *arg, nk_error **err);
    void *child_first_arg;
    /* set by nk_ns_spawn: init unshares its cgroup namespace after GO, once
     * it is in its final cgroup (the namespace's root is fixed at unshare) */
    bool late_cgroupns;
    /* set by nk_ns_spawn: init waits for GO before s->fn. Only when the
     * parent has work to do first (id maps, the slow path): otherwise the
     * wait is one CPU hand-off for nothing */
    bool wait_go;
    /* filled by nk_ns_spawn */
    pid_t pid;
    int pidfd;
    int ns_fds[OCI_NS_COUNT]; /* joined namespaces, -1 when new/unshared */
} nk_spawn;

/* CLONE_NEW* for the namespaces the config creates (no path). */
unsigned long nk_ns_new_flags(const oci_config *c);
int nk_ns_clone_flag(oci_ns_type type);

/* Clone init into its namespaces, map its ids, and send it GO when it
 * waits for one (s->wait_go). On return s->pid is init's host pid;
 * init then runs s->fn. The caller owns waiting for init's READY. */
int nk_ns_spawn(nk_spawn *s, nk_error **err);
void nk_spawn_release(nk_spawn *s);

/* exec: join every namespace of the running process pid (pidfd: a pidfd
 * for it, -1 if none) that differs from the caller's. New pid and time
 * namespaces apply to the caller's children, so fork afterwards. */
int nk_ns_join_process(pid_t pid, int pidfd, nk_error **err);
/* Only the pid and time namespaces of pid, which apply to the caller's
 * children, not to the caller: its next child is born in them. saved gets
 * the caller's own, for nk_ns_restore_for_children right after that fork. */
typedef struct nk_ns_saved {
    int pid_fd, time_fd;
} nk_ns_saved;
int nk_ns_join_for_children(pid_t pid, int pidfd, nk_ns_saved *saved, nk_error **err);
void nk_ns_restore_for_children(nk_ns_saved *saved);

/* Write uid_map/gid_map (and setgroups "deny" for an unprivileged caller). */
int nk_idmap_write(pid_t pid, const oci_linux *l, nk_error **err);
/* Write /proc/self/timens_offsets of a process that unshared CLONE_NEWTIME. */
int nk_timens_write_offsets(const oci_linux *l, nk_error **err);

/* linux.netDevices (net_devices.c): names valid and unique, a new network
 * namespace to move them into. */
int nk_net_devices_validate(const oci_config *c, nk_error **err);
/* Move each device into pid's network namespace under its new name, with
 * its permanent addresses. From the runtime, in the host's namespaces. */
int nk_net_devices_move(pid_t pid, const oci_linux *l, nk_error **err);

#endif
