/* Signals to and from a container's processes: delivery that is safe against
 * pid reuse, forwarding in a foreground run, waiting for exit. */
#ifndef NOOK_CONTAINER_SIGNAL_H
#define NOOK_CONTAINER_SIGNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Every signal a foreground `run` passes on to the container. */
void nk_forwarded_signals(sigset_t *set);

/* Signal init (checked against its start time), or with whole_pidns every
 * process in init's pid namespace. */
int nk_signal_container(pid_t pid, uint64_t start_time, bool whole_pidns, int sig, nk_error **err);

/* Foreground run: forward the (blocked) signals in `set` to init, reap every
 * child (nook is a subreaper), return init's status as a shell would
 * (128+N for a signal). */
int nk_wait_forwarding(pid_t pid, int pidfd, const sigset_t *set, int *exit_status, nk_error **err);

/* A wait status as a shell reports it: the exit code, 128+N for signal N. */
int nk_exit_code(int status);

/* Wait until pid is gone (or a zombie), up to timeout_ms. */
int nk_wait_gone(pid_t pid, uint64_t start_time, int timeout_ms, nk_error **err);

#endif
