/* linux.sysctl: only keys that belong to a namespace the container has of
 * its own (runc's rule: anything else would change the host), written
 * through a private procfs after pivot_root and before /proc/sys is made
 * read-only (CVE-2019-19921, CVE-2025-52881). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "util/cleanup.h"
#include "util/procfs.h"
#include "util/xalloc.h"

#define E(...) nk_err(err, 0, "config.json: linux.sysctl." __VA_ARGS__)

static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool has_ns(const oci_config *c, oci_ns_type t)
{
    return oci_config_namespace(c, t) != NULL;
}

/* "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same file. */
static char *normalize(const char *key)
{
    char *k = xstrdup(key);
    for (char *p = k; *p; p++)
        if (*p == '/')
            *p = '.';
    return k;
}

static bool prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int check_key(const oci_config *c, const char *raw, nk_error **err)
{
    _cleanup_free_ char *k = normalize(raw);
    /* a name, not a path: no empty component, no "..", nothing odd */
    if (k[0] == '\0' || k[0] == '.' || k[strlen(k) - 1] == '.' || strstr(k, "..") != NULL ||
        strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+:@") !=
            strlen(k))
        return E("%s: not a valid sysctl name", raw);
    for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
        if (strcmp(k, ipc_keys[i]) == 0)
            return has_ns(c, OCI_NS_IPC) ? 0 : E("%s: needs an ipc namespace", raw);
    if (prefix(k, "fs.mqueue."))
        return has_ns(c, OCI_NS_IPC) ? 0 : E("%s: needs an ipc namespace", raw);
    if (prefix(k, "net."))
        return has_ns(c, OCI_NS_NETWORK) ? 0 : E("%s: needs a network namespace", raw);
    if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
        return has_ns(c, OCI_NS_UTS) ? 0 : E("%s: needs a uts namespace", raw);
    return E("%s: not in a namespace of the container; it would change the host", raw);
}

int nk_sysctl_validate(const oci_config *c, nk_error **err)
{
    for (size_t i = 0; i < c->linux.sysctl.len; i++)
        if (check_key(c, c->linux.sysctl.items[i].key, err) < 0)
            return -1;
    return 0;
}

int nk_sysctl_apply(const oci_config *c, nk_error **err)
{
    const oci_map *s = &c->linux.sysctl;
    if (s->len == 0)
        return 0;
    if (nk_sysctl_validate(c, err) < 0)
        return -1;
    _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return nk_err(err, errno, "open `/`");
    _cleanup_close_ int proc = nk_procfs_open(root, err);
    if (proc < 0)
        return nk_err_wrap(err, "linux.sysctl");
    for (size_t i = 0; i < s->len; i++) {
        _cleanup_free_ char *rel = xasprintf("sys/%s", s->items[i].key);
        for (char *p = rel + 4; *p; p++)
            if (*p == '.')
                *p = '/';
        if (nk_procfs_write(proc, rel, s->items[i].value, err) < 0)
            return nk_err_wrap(err, "linux.sysctl.%s", s->items[i].key);
    }
    return 0;
}
