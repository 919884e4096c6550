#include "validate.h"

#include <string.h>
#include <unistd.h>

#include "namespaces/namespaces.h"
#include "process.h"
#include "rootfs/rootfs.h"
#include "util/error.h"

#define E(...) nk_err(err, 0, "config.json: " __VA_ARGS__)

static bool new_ns(const oci_config *c, oci_ns_type t)
{
    const oci_namespace *ns = oci_config_namespace(c, t);
    return ns != NULL && ns->path == NULL;
}

static int check_namespaces(const oci_config *c, nk_error **err)
{
    const oci_linux *l = &c->linux;
    /* without a private mount namespace every mount would land on the host */
    if (!new_ns(c, OCI_NS_MOUNT))
        return E("linux.namespaces: a new mount namespace is required");
    if ((c->hostname != NULL || c->domainname != NULL) && !new_ns(c, OCI_NS_UTS))
        return E("%s: cannot be set without a new uts namespace",
                 c->hostname != NULL ? "hostname" : "domainname");
    if ((l->n_uid_mappings || l->n_gid_mappings) && !new_ns(c, OCI_NS_USER))
        return E("linux.uidMappings: mappings need a new user namespace");
    if (new_ns(c, OCI_NS_USER) && (l->n_uid_mappings == 0 || l->n_gid_mappings == 0))
        return E("linux.uidMappings: a new user namespace needs uidMappings and gidMappings");
    if ((l->time_monotonic.set || l->time_boottime.set) && !new_ns(c, OCI_NS_TIME))
        return E("linux.timeOffsets: offsets need a new time namespace");
    return 0;
}

/* Features later work brings; until then a config that asks for one fails
 * naming it (spec/FEATURES.md lists them as missing), never silently. */
static int check_unimplemented(const oci_config *c, nk_error **err)
{
    const oci_linux *l = &c->linux;
#define MISSING(cond, path)                                                                        \
    do {                                                                                           \
        if (cond)                                                                                  \
            return E("%s: not supported by this version of nook", path);                           \
    } while (0)
    /* no resctrl support in this build; say too when the host lacks it */
    if (l->has_intel_rdt)
        return E("linux.intelRdt: not supported by this version of nook%s",
                 access("/sys/fs/resctrl/schemata", F_OK) == 0
                     ? ""
                     : " (and this host has no resctrl filesystem mounted)");
#undef MISSING
    return 0;
}

int nk_validate_config(const oci_config *c, bool console_socket, bool foreground, nk_error **err)
{
    if (!c->has_process)
        return E("process: required to create a container");
    if (c->root.path == NULL)
        return E("root.path: required");
    if (check_namespaces(c, err) < 0 || check_unimplemented(c, err) < 0)
        return -1;
    if (nk_process_check_attrs(&c->process, &c->linux, err) < 0 || nk_sysctl_validate(c, err) < 0 ||
        nk_net_devices_validate(c, err) < 0)
        return -1;
    /* in the foreground nook wires the terminal to its own stdio */
    if (c->process.terminal && !console_socket && !foreground)
        return nk_err(err, 0,
                      "cannot allocate tty if nook will detach without setting console socket");
    if (!c->process.terminal && console_socket)
        return nk_err(err, 0, "cannot use console socket if nook will not detach or allocate tty");
    return 0;
}
