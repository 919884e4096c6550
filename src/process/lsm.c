/* process.apparmorProfile, process.selinuxLabel (and the host check for
 * linux.mountLabel): the label the container's program is exec'd with.
 * Written to this thread's attr/ files of a private procfs, each open
 * verified to be procfs (CVE-2019-16884, CVE-2025-52881): a fake /proc in
 * the image must not swallow the label and leave the process unconfined. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "process.h"
#include "process/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/procfs.h"
#include "util/xalloc.h"

#define SELINUX_MAGIC 0xf97cff8c

bool nk_host_has_apparmor(void)
{
    _cleanup_free_ char *v = NULL;
    nk_error *err = NULL;
    int r = nk_read_file("/sys/module/apparmor/parameters/enabled", &v, NULL, &err);
    nk_error_free(err);
    return r == 0 && v[0] == 'Y';
}

bool nk_host_has_selinux(void)
{
    struct statfs sf;
    return statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC;
}

static bool set(const char *s)
{
    return s != NULL && s[0] != '\0';
}

int nk_lsm_check(const oci_process *p, const oci_linux *l, nk_error **err)
{
    if (set(p->apparmor_profile) && !nk_host_has_apparmor())
        return nk_err(err, 0,
                      "config.json: process.apparmorProfile: AppArmor is not enabled on this host");
    if (set(p->selinux_label) && !nk_host_has_selinux())
        return nk_err(err, 0,
                      "config.json: process.selinuxLabel: SELinux is not enabled on this host");
    if (l != NULL && set(l->mount_label) && !nk_host_has_selinux())
        return nk_err(err, 0, "config.json: linux.mountLabel: SELinux is not enabled on this host");
    return 0;
}

/* attr/apparmor/exec since 5.8 (stacking), attr/exec before */
static int write_attr(int proc, const char *lsm, const char *text, const char *field,
                      nk_error **err)
{
    char base[64];
    snprintf(base, sizeof(base), "%d/task/%d/attr", (int)getpid(), (int)gettid());
    _cleanup_free_ char *own = xasprintf("%s/%s/exec", base, lsm);
    _cleanup_free_ char *shared = xasprintf("%s/exec", base);
    _cleanup_close_ int probe = nk_procfs_open_at(proc, own, O_PATH, NULL);
    if (nk_procfs_write(proc, probe >= 0 ? own : shared, text, err) < 0)
        return nk_err_wrap(err, "%s", field);
    return 0;
}

int nk_lsm_set_exec_labels(const oci_process *p, nk_error **err)
{
    if (!set(p->apparmor_profile) && !set(p->selinux_label))
        return 0;
    if (nk_lsm_check(p, NULL, err) < 0)
        return -1;
    _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return nk_err(err, errno, "open `/`");
    _cleanup_close_ int proc = nk_procfs_open(root, err);
    if (proc < 0)
        return nk_err_wrap(err, "LSM labels");
    if (set(p->apparmor_profile)) {
        _cleanup_free_ char *text = xasprintf("exec %s", p->apparmor_profile);
        if (write_attr(proc, "apparmor", text, "process.apparmorProfile", err) < 0)
            return -1;
    }
    if (set(p->selinux_label) &&
        write_attr(proc, "selinux", p->selinux_label, "process.selinuxLabel", err) < 0)
        return -1;
    return 0;
}
