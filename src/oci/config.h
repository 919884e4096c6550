/* The OCI runtime-spec 1.3 config.json as validated C structs.
 * Only src/oci/ knows JSON; everything else reads these.
 * Conventions: strings are owned, NULL when absent; arrays are (ptr, len);
 * optional scalars carry a `has_` flag; string lists are NULL-terminated char **
 * with a length alongside. */
#ifndef NOOK_OCI_CONFIG_H
#define NOOK_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* gnu11 predefines `linux` as 1; the spec's object is called linux, so is our field. */
#undef linux

typedef struct oci_strv {
    char **v; /* NULL-terminated, NULL when absent */
    size_t len;
} oci_strv;

typedef struct oci_kv {
    char *key;
    char *value;
} oci_kv;

typedef struct oci_map {
    oci_kv *items;
    size_t len;
} oci_map;

/* ---------- process ---------- */
typedef struct oci_rlimit {
    char *type;   /* "RLIMIT_NOFILE" */
    int resource; /* RLIMIT_NOFILE, resolved and validated by the parser */
    uint64_t soft, hard;
} oci_rlimit;

typedef struct oci_capabilities {
    /* capability names as written ("CAP_CHOWN"); names are resolved by
     * src/process.c (libcap), unknown ones ignored like runc does */
    oci_strv bounding, effective, inheritable, permitted, ambient;
    bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
} oci_capabilities;

typedef struct oci_user {
    uint32_t uid, gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username;
} oci_user;

typedef struct oci_io_priority {
    char *class_name; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
    int class_value;  /* IOPRIO_CLASS_* number */
    int priority;     /* 0..7 */
} oci_io_priority;

typedef struct oci_scheduler {
    char *policy; /* SCHED_OTHER ... */
    int policy_value;
    bool has_nice, has_priority, has_runtime, has_deadline, has_period;
    int32_t nice;
    int32_t priority;
    oci_strv flags;
    uint64_t runtime, deadline, period;
} oci_scheduler;

typedef struct oci_cpu_affinity {
    char *initial; /* cpu list, "0-3,7" */
    char *final;
} oci_cpu_affinity;

typedef struct oci_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height, console_width;
    oci_user user;
    oci_strv args; /* non-empty after validation */
    char *command_line;
    oci_strv env;
    char *cwd; /* absolute after validation */
    bool has_capabilities;
    oci_capabilities capabilities;
    oci_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    char *apparmor_profile;
    bool has_oom_score_adj;
    int oom_score_adj; /* -1000..1000 */
    char *selinux_label;
    bool has_io_priority;
    oci_io_priority io_priority;
    bool has_scheduler;
    oci_scheduler scheduler;
    bool has_exec_cpu_affinity;
    oci_cpu_affinity exec_cpu_affinity;
} oci_process;

/* ---------- root, mounts, hooks ---------- */
typedef struct oci_root {
    char *path; /* as written; may be relative to the bundle */
    bool readonly;
} oci_root;

typedef struct oci_id_mapping {
    uint32_t container_id, host_id, size;
} oci_id_mapping;

typedef struct oci_mount {
    char *destination; /* absolute */
    char *type;
    char *source;
    oci_strv options;
    oci_id_mapping *uid_mappings;
    size_t n_uid_mappings;
    oci_id_mapping *gid_mappings;
    size_t n_gid_mappings;
} oci_mount;

typedef struct oci_hook {
    char *path; /* absolute */
    oci_strv args;
    oci_strv env;
    bool has_timeout;
    int timeout; /* seconds, > 0 */
} oci_hook;

typedef struct oci_hook_list {
    oci_hook *items;
    size_t len;
} oci_hook_list;

typedef struct oci_hooks {
    oci_hook_list prestart, create_runtime, create_container, start_container, poststart, poststop;
} oci_hooks;

/* ---------- linux ---------- */
typedef enum oci_ns_type {
    OCI_NS_PID,
    OCI_NS_NETWORK,
    OCI_NS_MOUNT,
    OCI_NS_IPC,
    OCI_NS_UTS,
    OCI_NS_USER,
    OCI_NS_CGROUP,
    OCI_NS_TIME,
    OCI_NS_COUNT
} oci_ns_type;

typedef struct oci_namespace {
    oci_ns_type type;
    char *path; /* NULL: create a new one */
} oci_namespace;

typedef struct oci_time_offset {
    bool set;
    int64_t secs;
    uint32_t nanosecs;
} oci_time_offset;

typedef struct oci_device {
    char type;  /* 'c' 'b' 'u' 'p' */
    char *path; /* absolute */
    int64_t major, minor;
    bool has_file_mode, has_uid, has_gid;
    uint32_t file_mode, uid, gid;
} oci_device;

typedef struct oci_device_cgroup {
    bool allow;
    char type; /* 'a' 'c' 'b', 0 when absent (= all) */
    bool has_major, has_minor;
    int64_t major, minor; /* -1 in the JSON means wildcard too */
    char *access;         /* subset of "rwm"; NULL = "rwm" */
} oci_device_cgroup;

typedef struct oci_memory {
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
    int64_t limit, reservation, swap, kernel, kernel_tcp;
    uint64_t swappiness;
    bool has_disable_oom_killer, disable_oom_killer;
    bool has_use_hierarchy, use_hierarchy;
    bool has_check_before_update, check_before_update;
} oci_memory;

typedef struct oci_cpu {
    bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period,
        has_idle;
    uint64_t shares;
    int64_t quota;
    uint64_t burst;
    uint64_t period;
    int64_t realtime_runtime;
    uint64_t realtime_period;
    char *cpus;
    char *mems;
    int64_t idle;
} oci_cpu;

typedef struct oci_weight_device {
    int64_t major, minor;
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
} oci_weight_device;

typedef struct oci_throttle_device {
    int64_t major, minor;
    uint64_t rate;
} oci_throttle_device;

typedef struct oci_throttle_list {
    oci_throttle_device *items;
    size_t len;
} oci_throttle_list;

typedef struct oci_blockio {
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
    oci_weight_device *weight_device;
    size_t n_weight_device;
    oci_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops,
        throttle_write_iops;
} oci_blockio;

typedef struct oci_hugepage_limit {
    char *page_size; /* "2MB" */
    uint64_t limit;
} oci_hugepage_limit;

typedef struct oci_net_priority {
    char *name;
    uint32_t priority;
} oci_net_priority;

typedef struct oci_rdma {
    char *device;
    bool has_hca_handles, has_hca_objects;
    uint32_t hca_handles, hca_objects;
} oci_rdma;

typedef struct oci_resources {
    oci_device_cgroup *devices;
    size_t n_devices;
    bool has_memory, has_cpu, has_pids, has_blockio, has_network;
    oci_memory memory;
    oci_cpu cpu;
    bool has_pids_limit;
    int64_t pids_limit;
    oci_blockio blockio;
    oci_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    bool has_class_id;
    uint32_t net_class_id;
    oci_net_priority *net_priorities;
    size_t n_net_priorities;
    oci_rdma *rdma;
    size_t n_rdma;
    oci_map unified;
} oci_resources;

typedef struct oci_seccomp_arg {
    uint32_t index;
    uint64_t value, value_two;
    char *op; /* SCMP_CMP_*, validated */
} oci_seccomp_arg;

typedef struct oci_seccomp_syscall {
    oci_strv names;
    char *action; /* SCMP_ACT_*, validated */
    bool has_errno_ret;
    uint32_t errno_ret;
    oci_seccomp_arg *args;
    size_t n_args;
} oci_seccomp_syscall;

typedef struct oci_seccomp {
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    oci_strv architectures; /* SCMP_ARCH_*, validated */
    oci_strv flags;         /* SECCOMP_FILTER_FLAG_*, validated */
    char *listener_path;
    char *listener_metadata;
    oci_seccomp_syscall *syscalls;
    size_t n_syscalls;
} oci_seccomp;

typedef struct oci_intel_rdt {
    char *clos_id;
    char *l3_cache_schema;
    char *mem_bw_schema;
    oci_strv schemata;
    bool enable_monitoring;
} oci_intel_rdt;

typedef struct oci_personality {
    char *domain; /* LINUX | LINUX32 */
    oci_strv flags;
} oci_personality;

typedef struct oci_memory_policy {
    char *mode; /* MPOL_* */
    char *nodes;
    oci_strv flags;
} oci_memory_policy;

typedef struct oci_net_device {
    char *host_name; /* key in linux.netDevices */
    char *name;      /* name inside, NULL = same */
} oci_net_device;

typedef struct oci_linux {
    oci_namespace *namespaces;
    size_t n_namespaces;
    oci_id_mapping *uid_mappings;
    size_t n_uid_mappings;
    oci_id_mapping *gid_mappings;
    size_t n_gid_mappings;
    oci_time_offset time_monotonic, time_boottime;
    oci_device *devices;
    size_t n_devices;
    char *cgroups_path;
    bool has_resources;
    oci_resources resources;
    char *rootfs_propagation; /* shared | slave | private | unbindable (and r-forms) */
    bool has_seccomp;
    oci_seccomp seccomp;
    oci_map sysctl;
    oci_strv masked_paths;
    oci_strv readonly_paths;
    char *mount_label;
    bool has_intel_rdt;
    oci_intel_rdt intel_rdt;
    bool has_personality;
    oci_personality personality;
    bool has_memory_policy;
    oci_memory_policy memory_policy;
    oci_net_device *net_devices;
    size_t n_net_devices;
} oci_linux;

typedef struct oci_config {
    char *oci_version;
    oci_root root;
    bool has_process;
    oci_process process;
    char *hostname;
    char *domainname;
    oci_mount *mounts;
    size_t n_mounts;
    bool has_hooks;
    oci_hooks hooks;
    oci_map annotations;
    bool has_linux;
    oci_linux linux;
} oci_config;

/* Parse and validate a whole config. Errors name the JSON path:
 * "config.json: process.args: must not be empty". Unknown keys are ignored. */
int oci_config_parse(const char *json, size_t len, oci_config **out, nk_error **err);
int oci_config_load(const char *path, oci_config **out, nk_error **err);
void oci_config_free(oci_config *c);
void oci_config_freep(oci_config **c);

/* `exec --process FILE`: a bare OCI process object, same validation, errors
 * prefixed "process.json: ". */
int oci_process_parse(const char *json, size_t len, oci_process **out, nk_error **err);
void oci_process_free(oci_process *p);

/* `update --resources FILE|-`: a bare LinuxResources object. */
int oci_resources_parse(const char *json, size_t len, oci_resources **out, nk_error **err);
void oci_resources_free(oci_resources *r);

/* Lookups used by the core. */
const oci_namespace *oci_config_namespace(const oci_config *c, oci_ns_type type);
const char *oci_ns_type_name(oci_ns_type type); /* "pid", "network", ... */

#define _cleanup_config_ __attribute__((cleanup(oci_config_freep)))

#endif
