/* process.terminal: a pty from the container's own devpts, its master sent to
 * the caller's console socket (runc's protocol, see CONTRACT.md). */
#ifndef NOOK_TERMINAL_H
#define NOOK_TERMINAL_H

#include "oci/config.h"
#include "util/error.h"

/* Connect to the --console-socket path; the fd is handed to init. */
int nk_console_socket_connect(const char *path, nk_error **err);

/* In init, before pivot_root, after /dev/pts is mounted: allocate the pty,
 * send the master over console_fd, bind the peer over /dev/console and make
 * it the controlling terminal and stdio. */
int nk_terminal_setup(int rootfd, const oci_process *p, int console_fd, nk_error **err);

#endif
