/* The test build's side of NK_FAULT_POINT (see fault.h); empty in release. */
#include "util/fault.h"

#ifdef NOOK_FAULT_INJECTION
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern const char *const __start_nk_fault_points[];
extern const char *const __stop_nk_fault_points[];

/* opened before main: init reaches points after pivot_root too */
static int log_fd = -1;

void nk_fault_hit(const char *name)
{
    const char *want = getenv("NOOK_FAULT");
    if (want == NULL || strcmp(want, name) != 0)
        return;
    if (log_fd >= 0)
        dprintf(log_fd, "%s\n", name);
    kill(getpid(), SIGKILL);
    /* the init of a pid namespace ignores its own SIGKILL: die without
     * running any cleanup all the same */
    syscall(SYS_exit_group, 128 + SIGKILL);
}

/* NOOK_FAULT=list: print the points before main() runs, then exit. */
__attribute__((constructor)) static void fault_setup(void)
{
    const char *want = getenv("NOOK_FAULT");
    const char *log = getenv("NOOK_FAULT_LOG");
    if (want != NULL && log != NULL)
        log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (want == NULL || strcmp(want, "list") != 0)
        return;
    for (const char *const *p = __start_nk_fault_points; p < __stop_nk_fault_points; p++)
        printf("%s\n", *p);
    fflush(stdout);
    _exit(0);
}
#endif
