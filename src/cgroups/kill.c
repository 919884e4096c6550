/* kill --all: every process in the container's cgroup, whether or not init
 * is still alive (containerd sends `kill --all ID 9` after init exited). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/ops.h"
#include "util/cleanup.h"
#include "util/proc.h"

/* v2 cgroup.kill (5.14+) SIGKILLs the whole subtree atomically: no forks
 * escape, no pid is reused under us. */
static int try_cgroup_kill(const nk_cg_layout *l, const char *path, bool *done, nk_error **err)
{
    *done = false;
    if (l->mode != NK_CG_UNIFIED)
        return 0;
    _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
    _cleanup_free_ char *file = nk_cg_join(dir, "/cgroup.kill", NULL);
    if (access(file, F_OK) < 0)
        return 0;
    if (nk_cg_write(dir, "cgroup.kill", "1", err) < 0) {
        if ((*err)->errnum != ENOENT)
            return -1;
        nk_error_freep(err); /* the cgroup is gone: nothing to kill */
    }
    *done = true;
    return 0;
}

static void signal_pids(const pid_t *pids, size_t n, int sig)
{
    for (size_t i = 0; i < n; i++) {
        /* the pidfd pins the process: a frozen one cannot exit and be reused */
        _cleanup_close_ int fd = nk_pidfd_open(pids[i]);
        if (fd >= 0)
            (void)nk_pidfd_send_signal(fd, sig);
        else if (errno == ENOSYS)
            (void)kill(pids[i], sig);
    }
}

int nk_cgroup_kill_all(const char *cgroup_path, int sig, nk_error **err)
{
    nk_cg_layout l = {0};
    if (nk_cg_layout_get(&l, err) < 0)
        return -1;
    bool done = false;
    int ret = 0;
    if (sig == SIGKILL)
        ret = try_cgroup_kill(&l, cgroup_path, &done, err);
    nk_cg_layout_clear(&l);
    if (ret < 0 || done)
        return ret;

    /* freeze so nothing forks between reading the pids and signalling them */
    bool was_frozen = false, froze = false;
    if (nk_cgroup_is_frozen(cgroup_path, &was_frozen, err) < 0)
        return -1;
    if (!was_frozen) {
        nk_error *e = NULL;
        froze = nk_cgroup_freeze(cgroup_path, &e) == 0;
        nk_error_free(e); /* no freezer: signal anyway, as well as we can */
    }
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    ret = nk_cgroup_pids(cgroup_path, &pids, &n, err);
    if (ret == 0)
        signal_pids(pids, n, sig);
    /* frozen v1 tasks act on SIGKILL only once thawed */
    if (froze || (was_frozen && sig == SIGKILL)) {
        nk_error *e = NULL;
        if (nk_cgroup_thaw(cgroup_path, &e) < 0 && ret == 0) {
            *err = e;
            return -1;
        }
        nk_error_free(e);
    }
    return ret;
}
