/* nk_process_setup: the container process's attributes, in the one order
 * that works. Everything needing privilege (rlimits, the bounding set) comes
 * before the uid change; the capability sets after it (a uid change clears
 * the effective set); no_new_privs last, right before seccomp and execve. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "process.h"
#include "process/internal.h"

#define DEFAULT_UMASK 0022

int nk_process_setup(const oci_process *p, nk_error **err)
{
    nk_caps caps;
    bool chdir_later = false;

    nk_caps_from_config(p, &caps);

    if (nk_process_set_rlimits(p, err) < 0)
        return -1;
    umask(p->user.has_umask ? (mode_t)(p->user.umask & 07777) : DEFAULT_UMASK);

    if (p->cwd != NULL && nk_process_chdir(p->cwd, &chdir_later, err) < 0)
        return -1;
    if (nk_caps_drop_bounding(&caps, err) < 0)
        return -1;
    if (nk_process_switch_user(&p->user, err) < 0)
        return -1;
    if (chdir_later && nk_process_chdir(p->cwd, NULL, err) < 0)
        return -1;
    if (nk_process_verify_cwd(err) < 0)
        return -1;
    if (nk_caps_apply(&caps, err) < 0)
        return -1;

    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return nk_err(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    return 0;
}
