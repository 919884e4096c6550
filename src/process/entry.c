/* What every process nook starts in a container does first, init and exec
 * alike: forget the caller's signal dispositions and keep nook's own fds out
 * of the range the caller asked to hand over. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "process.h"

void nk_process_reset_signals(void)
{
    /* ignored signals and the blocked mask would survive execve */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int nk_process_enter(int preserve_fds, int *const *fds, size_t n_fds, nk_error **err)
{
    /* nook's memory, fds and /proc/<pid>/exe must not be reachable by the
     * container before execve (SECURITY.md rule 5); exec resets this */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return nk_err(err, errno, "prctl(PR_SET_DUMPABLE)");
    int min = 3 + (preserve_fds > 0 ? preserve_fds : 0);
    for (size_t i = 0; i < n_fds; i++) {
        if (*fds[i] < 0 || *fds[i] >= min)
            continue;
        int moved = fcntl(*fds[i], F_DUPFD_CLOEXEC, min);
        if (moved < 0)
            return nk_err(err, errno, "move fd above --preserve-fds");
        close(*fds[i]);
        *fds[i] = moved;
    }
    nk_process_reset_signals();
    return 0;
}
