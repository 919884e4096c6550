/* process.terminal: a pty from the container's own devpts, its master sent to
 * the caller's console socket (runc's protocol, see CONTRACT.md). */
#ifndef NOOK_TERMINAL_H
#define NOOK_TERMINAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/error.h"

/* Connect to the --console-socket path; the fd is handed to init. */
int nk_console_socket_connect(const char *path, nk_error **err);

/* After /dev/pts is mounted (init: before pivot_root; exec: in the joined
 * mount namespace): allocate the pty, send the master over console_fd, bind
 * the peer over /dev/console (init only) and make it the controlling
 * terminal and stdio. The caller must be a session leader. */
int nk_terminal_setup(int rootfd, const oci_process *p, int console_fd, bool bind_console,
                      nk_error **err);

/* The caller's end of console_fd: receive the pty master (one SCM_RIGHTS
 * fd), used when nook itself stands in for the console socket. */
int nk_terminal_recv_master(int sock, int *master, nk_error **err);

/* Foreground `run -t`/`exec -t` without --console-socket: copy nook's stdin
 * to the master and the master to nook's stdout, stdin in raw mode (when it
 * is a terminal) and restored before returning, window size copied at once
 * and on SIGWINCH. Forwards the other signals of `set` (blocked by the
 * caller) to pid and returns its status like nk_wait_forwarding. */
int nk_terminal_proxy_wait(int master, pid_t pid, int pidfd, const sigset_t *set, int *exit_status,
                           nk_error **err);

#endif
