/* nook-seccomp-listener: the other end of linux.seccomp.listenerPath, run on
 * the host by tests.
 *
 *   nook-seccomp-listener SOCKET OUT val=N|errno=N
 *
 * Listens on the unix stream socket SOCKET, takes one connection, writes the
 * JSON it carries to OUT (atomically, so a test can wait for the file) and
 * keeps the seccomp notify fd passed with it. Then answers every
 * notification with return value N (val=N) or error -N (errno=N), appending
 * "notified nr=NR arch=ARCH pid=PID" per notification to OUT.log, until every
 * process using the filter is gone. Exits 0 then; 1 on any error; gives up
 * after 60 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
    fprintf(stderr, "nook-seccomp-listener: %s: %s\n", what, strerror(errno));
    return 1;
}

/* Reads the whole message; the fd comes with the first part. */
static int receive(int conn, char *buf, size_t cap, int *fd)
{
    size_t got = 0;
    *fd = -1;
    for (;;) {
        union {
            char b[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = {buf + got, cap - 1 - got};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.b,
                            .msg_controllen = sizeof(ctl.b)};
        ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
            return -1;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        if (cm != NULL && cm->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(cm), sizeof(int));
        if (n == 0 || got + (size_t)n >= cap - 1)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: nook-seccomp-listener SOCKET OUT val=N|errno=N\n");
        return 2;
    }
    long answer = 0;
    int as_errno = 0;
    if (sscanf(argv[3], "val=%ld", &answer) != 1) {
        if (sscanf(argv[3], "errno=%ld", &answer) != 1)
            return 2;
        as_errno = 1;
    }
    alarm(60);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0)
        return die("listen");
    int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return die("accept");
    static char buf[1 << 16];
    int nfd;
    if (receive(conn, buf, sizeof(buf), &nfd) < 0)
        return die("receive");
    close(conn);
    if (nfd < 0) {
        errno = EBADMSG;
        return die("no fd in the message");
    }
    char tmp[4096], logp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
    snprintf(logp, sizeof(logp), "%s.log", argv[2]);
    FILE *f = fopen(tmp, "w");
    if (f == NULL || fputs(buf, f) < 0 || fclose(f) != 0 || rename(tmp, argv[2]) < 0)
        return die("write OUT");
    for (;;) {
        struct pollfd p = {.fd = nfd, .events = POLLIN};
        if (poll(&p, 1, -1) < 0)
            return die("poll");
        if (!(p.revents & POLLIN))
            return 0; /* POLLHUP: the filter has no users left */
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        memset(&req, 0, sizeof(req));
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR || errno == ENOENT)
                continue;
            return die("SECCOMP_IOCTL_NOTIF_RECV");
        }
        FILE *log = fopen(logp, "a");
        if (log != NULL) {
            fprintf(log, "notified nr=%d arch=0x%x pid=%u\n", req.data.nr, req.data.arch, req.pid);
            fclose(log);
        }
        memset(&resp, 0, sizeof(resp));
        resp.id = req.id;
        resp.val = as_errno ? 0 : answer;
        resp.error = as_errno ? (int)-answer : 0;
        /* ENOENT: the caller died meanwhile */
        if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
            return die("SECCOMP_IOCTL_NOTIF_SEND");
    }
}
