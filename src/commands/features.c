/* `nook features`: the runtime-spec features document (features.md), which
 * containerd and the kubelet read to decide what to ask of nook (idmapped
 * mounts for user namespaces, rro, seccomp). It describes this build, not
 * this host: a field listed here is one nook applies, or refuses with an
 * error naming it where the host lacks what it needs. */
#include <ctype.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "commands/args.h"
#include "oci/json_write.h"
#include "rootfs/rootfs.h"
#include "seccomp/seccomp.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#ifndef NOOK_VERSION
#define NOOK_VERSION "unknown"
#endif
#ifndef NOOK_COMMIT
#define NOOK_COMMIT "unknown"
#endif
#define OCI_VERSION_MIN "1.0.0"
#define OCI_VERSION_MAX "1.3.0"
/* linux.netDevices (src/namespaces/net_devices.c), linux.intelRdt */
#define NK_FEATURE_NET_DEVICES true
#define NK_FEATURE_INTEL_RDT   false

typedef struct name_list {
    char **v;
    size_t n;
} name_list;

static void add_name(const char *name, void *arg)
{
    name_list *l = arg;
    l->v = xreallocarray(l->v, l->n + 2, sizeof(char *));
    l->v[l->n++] = xstrdup(name);
    l->v[l->n] = NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static void write_mount_options(jw *w)
{
    name_list l = {0};
    nk_mount_option_names(add_name, &l);
    qsort(l.v, l.n, sizeof(char *), cmp_str);
    jw_kstrs(w, "mountOptions", (const char *const *)l.v);
    name_list_free(&l);
}

/* Every capability the kernel headers nook was built with know. */
static void write_capabilities(jw *w)
{
    name_list l = {0};
    for (int c = 0; c <= CAP_LAST_CAP; c++) {
        char *name = cap_to_name((cap_value_t)c);
        if (name == NULL)
            continue;
        _cleanup_free_ char *upper = xstrdup(name);
        cap_free(name);
        if (strncmp(upper, "cap_", 4) != 0)
            continue; /* a number: libcap older than the headers */
        for (char *p = upper; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        add_name(upper, &l);
    }
    jw_kstrs(w, "capabilities", (const char *const *)l.v);
    name_list_free(&l);
}

static void write_linux(jw *w)
{
    static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
                                             "time",   "user", "uts",   NULL};
    static const char *const mpol_modes[] = {
        "MPOL_BIND",      "MPOL_DEFAULT",        "MPOL_INTERLEAVE",          "MPOL_LOCAL",
        "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE", NULL};
    static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                             "MPOL_F_STATIC_NODES", NULL};
    jw_key(w, "linux");
    jw_open_map(w);
    jw_kstrs(w, "namespaces", namespaces);
    write_capabilities(w);

    /* linux.resources are not applied by this build yet (FEATURES.md) */
    jw_key(w, "cgroup");
    jw_open_map(w);
    jw_kbool(w, "v1", false);
    jw_kbool(w, "v2", false);
    jw_kbool(w, "systemd", false);
    jw_kbool(w, "systemdUser", false);
    jw_kbool(w, "rdma", false);
    jw_close_map(w);

    jw_key(w, "seccomp");
    nk_seccomp_features_write(w);

    jw_key(w, "apparmor");
    jw_open_map(w);
    jw_kbool(w, "enabled", true);
    jw_close_map(w);
    jw_key(w, "selinux");
    jw_open_map(w);
    jw_kbool(w, "enabled", true);
    jw_close_map(w);

    jw_key(w, "intelRdt");
    jw_open_map(w);
    jw_kbool(w, "enabled", NK_FEATURE_INTEL_RDT);
    jw_kbool(w, "schemata", NK_FEATURE_INTEL_RDT);
    jw_kbool(w, "monitoring", false);
    jw_close_map(w);

    jw_key(w, "memoryPolicy");
    jw_open_map(w);
    jw_kstrs(w, "modes", mpol_modes);
    jw_kstrs(w, "flags", mpol_flags);
    jw_close_map(w);

    jw_key(w, "mountExtensions");
    jw_open_map(w);
    jw_key(w, "idmap");
    jw_open_map(w);
    jw_kbool(w, "enabled", true);
    jw_close_map(w);
    jw_close_map(w);

    jw_key(w, "netDevices");
    jw_open_map(w);
    jw_kbool(w, "enabled", NK_FEATURE_NET_DEVICES);
    jw_close_map(w);
    jw_close_map(w);
}

static int features_json(char **out, size_t *len, nk_error **err)
{
    jw w;
    jw_init(&w, "    ");
    jw_open_map(&w);
    jw_kstr(&w, "ociVersionMin", OCI_VERSION_MIN);
    jw_kstr(&w, "ociVersionMax", OCI_VERSION_MAX);
    /* hooks are refused by name until they are implemented */
    static const char *const no_hooks[] = {NULL};
    jw_kstrs(&w, "hooks", no_hooks);
    write_mount_options(&w);
    write_linux(&w);
    jw_key(&w, "annotations");
    jw_open_map(&w);
    const char *seccomp = nk_seccomp_lib_version();
    if (seccomp != NULL)
        jw_kstr(&w, "io.github.seccomp.libseccomp.version", seccomp);
    jw_kstr(&w, "org.nook.checkpoint.enabled", "false");
    jw_kstr(&w, "org.nook.commit", NOOK_COMMIT);
    jw_kstr(&w, "org.nook.version", NOOK_VERSION);
    jw_close_map(&w);
    /* nook gives no annotation a meaning of its own */
    static const char *const none[] = {NULL};
    jw_kstrs(&w, "potentiallyUnsafeConfigAnnotations", none);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}

static int cmd_features(nk_context *ctx, const nk_command *cmd, int argc, char **argv,
                        nk_error **err)
{
    const nk_flag flags[] = {{0}};
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (features_json(&json, &len, err) < 0)
        return -1;
    fwrite(json, 1, len, stdout);
    fputc('\n', stdout);
    return 0;
}

const nk_command nk_cmd_features = {
    .name = "features",
    .summary = "show the enabled features",
    .args_usage = "",
    .description = "   Prints the runtime-spec features document (JSON): the spec versions, mount\n"
                   "options, namespaces, capabilities, seccomp, LSM, idmapped mounts and the\n"
                   "other linux features this build of nook implements.",
    .min_args = 0,
    .max_args = 0,
    .run = cmd_features,
};
