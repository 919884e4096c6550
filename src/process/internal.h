/* Pieces of nk_process_setup/nk_process_exec, split by concern and exposed to
 * each other and to tests/unit/test_process.c; nothing outside src/process/
 * and its tests should include this. */
#ifndef NOOK_PROCESS_INTERNAL_H
#define NOOK_PROCESS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/error.h"

#define NK_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Value of KEY in a KEY=VALUE list (the last one wins, like getenv after a
 * sequence of putenv), NULL when absent. */
const char *nk_env_get(const oci_strv *env, const char *key);

/* lookup.c: search `path_list` (colon separated) for an executable `name`;
 * relative entries are refused like Go's exec.LookPath (ErrDot). */
int nk_lookup_in_path(const char *name, const char *path_list, const char *cwd, char **path_out,
                      nk_error **err);

/* rlimits.c */
int nk_process_set_rlimits(const oci_process *p, nk_error **err);

/* credentials.c: supplementary groups, gid, uid, keeping the permitted caps
 * so capabilities.c can pick from them afterwards. */
int nk_process_switch_user(const oci_user *u, nk_error **err);

/* capabilities.c: the five sets as bit masks (cap values are < 64). */
typedef struct nk_caps {
    uint64_t bounding, effective, inheritable, permitted, ambient;
} nk_caps;

/* Strict name -> value: "CAP_CHOWN" only (libcap alone would also accept
 * "12", "cap_chown" and "cap_chown,cap_kill"). Returns -1 for names this
 * libcap or this kernel does not know. */
int nk_cap_from_name(const char *name, int *value);
/* Unknown names are skipped: configs written for newer kernels list caps
 * this one lacks, and runc ignores them too. No capabilities at all in the
 * config means every set empty. */
void nk_caps_from_config(const oci_process *p, nk_caps *out);
/* Needs CAP_SETPCAP: call while still fully privileged. */
int nk_caps_drop_bounding(const nk_caps *caps, nk_error **err);
/* permitted/effective/inheritable, then ambient. */
int nk_caps_apply(const nk_caps *caps, nk_error **err);

/* cwd.c: *retry_after_switch is set instead of failing when root of the
 * user namespace may not enter the directory but the target user may. */
int nk_process_chdir(const char *cwd, bool *retry_after_switch, nk_error **err);
/* CVE-2024-21626: a cwd that getcwd() cannot express from our root means
 * we were handed a directory outside the container. */
int nk_process_verify_cwd(nk_error **err);

/* passwd.c: home of uid in a passwd(5) file; *home NULL when no entry. */
int nk_passwd_home(const char *passwd_path, uid_t uid, char **home, nk_error **err);

/* exec.c: env for execve: process.env plus HOME from passwd (or "/") when
 * process.env has none. */
char **nk_process_build_env(const oci_strv *env, const char *passwd_path, uid_t uid);
/* Mark every fd >= first close-on-exec; the procfs walk is the fallback for
 * kernels (or seccomp filters) without close_range(CLOSE_RANGE_CLOEXEC). */
int nk_fds_cloexec_from(int first, nk_error **err);
int nk_fds_cloexec_from_procfs(int first, nk_error **err);

/* cpu_list.c: "0-3,7" into a bit mask of nbits; errors name `path`. */
#define NK_BITS_PER_WORD (8 * sizeof(unsigned long))
#define NK_MAX_CPUS      1024
typedef struct cpu_mask {
    unsigned long bits[NK_MAX_CPUS / (8 * sizeof(unsigned long))];
} cpu_mask;
int nk_parse_id_list(const char *list, unsigned long *mask, size_t nbits, const char *path,
                     nk_error **err);

/* personality.c, memory_policy.c, scheduling.c, affinity.c */
int nk_process_check_personality(const oci_linux *l, nk_error **err);
int nk_process_set_personality(const oci_linux *l, nk_error **err);
int nk_process_check_memory_policy(const oci_linux *l, nk_error **err);
int nk_process_set_memory_policy(const oci_linux *l, nk_error **err);
int nk_process_set_scheduler(const oci_process *p, nk_error **err);
int nk_process_set_io_priority(const oci_process *p, nk_error **err);
int nk_process_final_affinity(const oci_process *p, nk_error **err);

/* lsm.c: exec labels through a private procfs */
int nk_lsm_set_exec_labels(const oci_process *p, nk_error **err);

#endif
