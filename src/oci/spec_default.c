/* `spec`: the starter config.json. Same fields, values and layout as
 * `runc spec` (runc 1.3+: tab indented, no ambient or inheritable caps), so
 * tutorials written for runc work unchanged. */
#include <stdbool.h>
#include <string.h>
#include <sys/statfs.h>

#include "oci/json_write.h"
#include "oci/spec_seccomp.h"
#include "oci/state_json.h"

#define SPEC_OCI_VERSION "1.3.0"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

typedef struct spec_mount {
    const char *destination, *type, *source;
    const char *options[8];
} spec_mount;

static const spec_mount mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

/* An unprivileged user cannot mount a fresh sysfs without owning the network
 * namespace, so rootless binds the host's read-only instead. */
static const spec_mount rootless_sys = {
    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm",
    NULL,
};

static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    "/sys/devices/virtual/tpm",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static bool has_prefix(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s++ != *prefix++)
            return false;
    }
    return true;
}

static void write_process(jw *w)
{
    jw_key(w, "process");
    jw_open_map(w);
    jw_kbool(w, "terminal", true);
    jw_key(w, "user");
    jw_open_map(w);
    jw_kint(w, "uid", 0);
    jw_kint(w, "gid", 0);
    jw_close_map(w);
    static const char *const args[] = {"sh", NULL};
    jw_kstrs(w, "args", args);
    jw_kstrs(w, "env", env);
    jw_kstr(w, "cwd", "/");
    jw_key(w, "capabilities");
    jw_open_map(w);
    jw_kstrs(w, "bounding", caps);
    jw_kstrs(w, "effective", caps);
    jw_kstrs(w, "permitted", caps);
    jw_close_map(w);
    jw_key(w, "rlimits");
    jw_open_array(w);
    jw_open_map(w);
    jw_kstr(w, "type", "RLIMIT_NOFILE");
    jw_kuint(w, "hard", 1024);
    jw_kuint(w, "soft", 1024);
    jw_close_map(w);
    jw_close_array(w);
    jw_kbool(w, "noNewPrivileges", true);
    jw_close_map(w);
}

static void write_mount(jw *w, const spec_mount *m, bool rootless)
{
    jw_open_map(w);
    jw_kstr(w, "destination", m->destination);
    jw_kstr(w, "type", m->type);
    jw_kstr(w, "source", m->source);
    if (m->options[0] != NULL) {
        jw_key(w, "options");
        jw_open_array(w);
        for (const char *const *o = m->options; *o != NULL; o++) {
            /* ids that do not exist in a rootless user namespace */
            if (rootless && (has_prefix(*o, "uid=") || has_prefix(*o, "gid=")))
                continue;
            jw_str(w, *o);
        }
        jw_close_array(w);
    }
    jw_close_map(w);
}

static void write_mounts(jw *w, bool rootless)
{
    jw_key(w, "mounts");
    jw_open_array(w);
    for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
        const spec_mount *m = &mounts[i];
        if (rootless && strcmp(m->destination, "/sys") == 0)
            m = &rootless_sys;
        write_mount(w, m, rootless);
    }
    jw_close_array(w);
}

static void write_id_mapping(jw *w, const char *key, unsigned int host_id)
{
    jw_key(w, key);
    jw_open_array(w);
    jw_open_map(w);
    jw_kint(w, "containerID", 0);
    jw_kuint(w, "hostID", host_id);
    jw_kint(w, "size", 1);
    jw_close_map(w);
    jw_close_array(w);
}

/* runc adds a cgroup namespace only on a pure cgroup v2 host. */
static bool cgroup2_unified(void)
{
    struct statfs st;
    return statfs("/sys/fs/cgroup", &st) == 0 && (unsigned long)st.f_type == CGROUP2_SUPER_MAGIC;
}

static void write_namespaces(jw *w, bool rootless)
{
    static const char *const rootful[] = {"pid", "network", "ipc", "uts", "mount", NULL};
    static const char *const unprivileged[] = {"pid", "ipc", "uts", "mount", NULL};
    jw_key(w, "namespaces");
    jw_open_array(w);
    for (const char *const *t = rootless ? unprivileged : rootful; *t != NULL; t++) {
        jw_open_map(w);
        jw_kstr(w, "type", *t);
        jw_close_map(w);
    }
    if (cgroup2_unified()) {
        jw_open_map(w);
        jw_kstr(w, "type", "cgroup");
        jw_close_map(w);
    }
    if (rootless) {
        jw_open_map(w);
        jw_kstr(w, "type", "user");
        jw_close_map(w);
    }
    jw_close_array(w);
}

static void write_linux(jw *w, bool rootless, uid_t uid, gid_t gid)
{
    jw_key(w, "linux");
    jw_open_map(w);
    if (rootless) {
        write_id_mapping(w, "uidMappings", uid);
        write_id_mapping(w, "gidMappings", gid);
    } else {
        /* a rootless container cannot write device cgroup rules */
        jw_key(w, "resources");
        jw_open_map(w);
        jw_key(w, "devices");
        jw_open_array(w);
        jw_open_map(w);
        jw_kbool(w, "allow", false);
        jw_kstr(w, "access", "rwm");
        jw_close_map(w);
        jw_close_array(w);
        jw_close_map(w);
    }
    write_namespaces(w, rootless);
    jw_kstrs(w, "maskedPaths", masked_paths);
    jw_kstrs(w, "readonlyPaths", readonly_paths);
    oci_spec_write_seccomp(w);
    jw_close_map(w);
}

int oci_spec_default(bool rootless, uid_t uid, gid_t gid, char **out, size_t *len, nk_error **err)
{
    jw w;
    jw_init(&w, "\t");
    jw_open_map(&w);
    jw_kstr(&w, "ociVersion", SPEC_OCI_VERSION);
    write_process(&w);
    jw_key(&w, "root");
    jw_open_map(&w);
    jw_kstr(&w, "path", "rootfs");
    jw_kbool(&w, "readonly", true);
    jw_close_map(&w);
    jw_kstr(&w, "hostname", "runc");
    write_mounts(&w, rootless);
    write_linux(&w, rootless, uid, gid);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}
