/* The user switch: supplementary groups, gid, uid. Runs as root of the
 * container's user namespace and keeps the permitted capabilities across the
 * uid change so the configured sets can be picked from them afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "process/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Only consulted after setgroups() already failed with EPERM, so a lying
 * /proc in a hostile rootfs can at worst turn an error into a skip of a call
 * that could not succeed anyway. */
static bool setgroups_denied(void)
{
    _cleanup_free_ char *buf = NULL;
    _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    size_t len;

    if (fd < 0 || nk_read_fd(fd, &buf, &len, NULL) < 0)
        return false;
    return strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const oci_user *u, nk_error **err)
{
    gid_t *gids = (gid_t *)u->additional_gids; /* uint32_t and gid_t agree on Linux */

    _Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is not 32 bits");
    if (setgroups(u->n_additional_gids, gids) == 0)
        return 0;
    if (errno == EPERM && setgroups_denied()) {
        /* Rootless with setgroups denied: the inherited list cannot be
         * changed, and an explicit request for groups cannot be honoured. */
        if (u->n_additional_gids == 0)
            return 0;
        return nk_err(err, 0,
                      "cannot set additional gids: setgroups is denied in this user namespace");
    }
    return nk_err(err, errno, "setgroups");
}

int nk_process_switch_user(const oci_user *u, nk_error **err)
{
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return nk_err(err, errno, "prctl(PR_SET_KEEPCAPS)");
    if (set_groups(u, err) < 0)
        return -1;
    if (setresgid(u->gid, u->gid, u->gid) < 0)
        return nk_err(err, errno, "setresgid %u", u->gid);
    if (setresuid(u->uid, u->uid, u->uid) < 0)
        return nk_err(err, errno, "setresuid %u", u->uid);
    /* The permitted set survived the uid change; the flag must not leak to
     * later uid changes the container makes itself (execve clears it too). */
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return nk_err(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}
