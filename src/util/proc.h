/* Facts about host processes read from the host's /proc. */
#ifndef NOOK_UTIL_PROC_H
#define NOOK_UTIL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time (clock ticks since boot, /proc/<pid>/stat field 22) and state
 * letter. Returns -1 with errno when the process does not exist. */
int nk_proc_stat(pid_t pid, uint64_t *start_time, char *state);
/* The same below proc_fd, an open /proc (AT_FDCWD: "/proc"): saves the walk
 * from / when many processes are looked at. */
int nk_proc_stat_at(int proc_fd, pid_t pid, uint64_t *start_time, char *state);

/* True when pid exists, is not a zombie and started at start_time: the pid
 * still names the process nook created, not a reused pid. */
bool nk_proc_is_alive(pid_t pid, uint64_t start_time);
/* *state (may be NULL): its state letter, when it exists. */
bool nk_proc_is_alive_at(int proc_fd, pid_t pid, uint64_t start_time, char *state);

/* pidfd_open(2); -1 with errno when unavailable. */
int nk_pidfd_open(pid_t pid);
int nk_pidfd_send_signal(int pidfd, int sig);

#endif
