#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/safe_path.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int nk_console_socket_connect(const char *path, nk_error **err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return nk_err(err, ENAMETOOLONG, "console socket `%s`", path);
    strcpy(addr.sun_path, path);
    _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return nk_err(err, errno, "socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return nk_err(err, errno, "connect to console socket `%s`", path);
    return NK_TAKE_FD(fd);
}

/* One message: the pty name as data, exactly one fd as SCM_RIGHTS (go-runc
 * rejects anything else). */
static int send_master(int sock, int master, const char *name, nk_error **err)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = {(void *)name, strlen(name)};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &master, sizeof(int));
    while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
        if (errno != EINTR)
            return nk_err(err, errno, "send the pty master to the console socket");
    return 0;
}

int nk_terminal_setup(int rootfd, const oci_process *p, int console_fd, bool bind_console,
                      nk_error **err)
{
    /* the image controls /dev/pts/ptmx: refuse anything but the devpts ptmx,
     * and take the peer with TIOCGPTPEER rather than opening /dev/pts/N by
     * name (CVE-2025-52565) */
    _cleanup_close_ int master =
        nk_safe_open(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW, err);
    if (master < 0)
        return nk_err_wrap(err, "process.terminal");
    struct stat st;
    if (fstat(master, &st) < 0)
        return nk_err(err, errno, "stat `/dev/pts/ptmx`");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
        return nk_err(err, 0, "process.terminal: `/dev/pts/ptmx` is not the devpts ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return nk_err(err, errno, "unlock pty");
    _cleanup_close_ int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (peer < 0)
        return nk_err(err, errno, "open pty peer");
    unsigned int n = 0;
    if (ioctl(master, TIOCGPTN, &n) < 0)
        return nk_err(err, errno, "pty number");
    if (p->has_console_size) {
        struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                             .ws_col = (unsigned short)p->console_width};
        if (ioctl(peer, TIOCSWINSZ, &ws) < 0)
            return nk_err(err, errno, "set console size");
    }
    char name[32];
    snprintf(name, sizeof(name), "/dev/pts/%u", n);
    if (send_master(console_fd, master, name, err) < 0)
        return -1;

    if (bind_console) {
        _cleanup_close_ int target = nk_safe_create_file(rootfd, "/dev/console", 0666, err);
        if (target < 0)
            return nk_err_wrap(err, "create `/dev/console`");
        nk_fd_path src = nk_fd_proc_path(peer), dst = nk_fd_proc_path(target);
        if (mount(src.s, dst.s, NULL, MS_BIND, NULL) < 0)
            return nk_err(err, errno, "bind the pty over `/dev/console`");
    }

    for (int fd = 0; fd < 3; fd++)
        if (dup2(peer, fd) < 0)
            return nk_err(err, errno, "dup2 pty");
    if (ioctl(0, TIOCSCTTY, 0) < 0)
        return nk_err(err, errno, "set controlling terminal");
    return 0;
}

int nk_terminal_recv_master(int sock, int *master, nk_error **err)
{
    char name[4096];
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, sizeof(name)};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    ssize_t n;
    while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0)
        if (errno != EINTR)
            return nk_err(err, errno, "receive the pty master");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (n == 0 || cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int)))
        return nk_err(err, 0, "receive the pty master: no fd in the message");
    memcpy(master, CMSG_DATA(cm), sizeof(int));
    return 0;
}
