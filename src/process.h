/* The container process's own attributes, shared by init and (later) exec:
 * rlimits, umask, cwd, user and groups, capabilities (libcap),
 * no_new_privs, and the final execve. Runs inside the container, after the
 * rootfs is final. */
#ifndef NOOK_PROCESS_H
#define NOOK_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "oci/config.h"
#include "util/error.h"

/* First steps of init and of an exec'd process alike: not dumpable, the fds
 * nook still needs (*fds[i], -1 = none) moved above 3 + preserve_fds, signal
 * dispositions and mask reset to the defaults. */
int nk_process_enter(int preserve_fds, int *const *fds, size_t n_fds, nk_error **err);
void nk_process_reset_signals(void);

/* Join (or create) the session keyring _ses.<id>; failures a user
 * namespace causes are tolerated when userns is true. */
int nk_process_join_keyring(const char *id, bool userns, nk_error **err);

/* Resolve args[0] like runc: contains '/' -> as is; else search the PATH from
 * process.env (default PATH when none). Fails with
 * `exec: "name": executable file not found in $PATH` or a stat error. */
int nk_process_lookup(const oci_process *p, char **path_out, nk_error **err);

/* rlimits, umask, chdir(cwd) verified inside the root, setgroups/setresgid/
 * setresuid keeping caps, the five capability sets, then no_new_privs.
 * Leaves the process ready for execve. */
int nk_process_setup(const oci_process *p, nk_error **err);

/* linux.personality, linux.memoryPolicy, process.ioPriority,
 * process.scheduler, the LSM exec labels (apparmorProfile, selinuxLabel:
 * they take effect at execve), then process.execCPUAffinity.final. Call right before
 * nk_process_setup (an RT policy or IOPRIO_CLASS_RT needs the privilege it
 * drops). `l` is NULL where only the process applies (exec). */
int nk_process_set_attrs(const oci_process *p, const oci_linux *l, nk_error **err);
/* The checks of nk_process_set_attrs that need no kernel (lists, flags),
 * for validation before anything is created. */
int nk_process_check_attrs(const oci_process *p, const oci_linux *l, nk_error **err);
/* AppArmor / SELinux on this host (the module enabled, selinuxfs mounted). */
bool nk_host_has_apparmor(void);
bool nk_host_has_selinux(void);
/* A label the config asks for (apparmorProfile, selinuxLabel, mountLabel)
 * needs its LSM on the host; fails naming the field otherwise. */
int nk_lsm_check(const oci_process *p, const oci_linux *l, nk_error **err);

/* process.execCPUAffinity.initial: first thing in init (and exec). */
int nk_process_initial_affinity(const oci_process *p, nk_error **err);

/* Close (mark CLOEXEC) every fd >= 3 + preserve_fds, make 3..3+preserve_fds-1
 * inheritable, and execve(path, args, env). Returns only on failure. */
int nk_process_exec(const oci_process *p, const char *path, int preserve_fds, nk_error **err);

/* Names in process.capabilities this kernel or libcap does not know. The
 * spec asks for a warning and no failure (a config may be written for a
 * newer kernel); setup skips them. fn gets the set name and the cap name. */
typedef void (*nk_unknown_cap_fn)(const char *set, const char *name, void *arg);
void nk_process_unknown_caps(const oci_process *p, nk_unknown_cap_fn fn, void *arg);

#endif
