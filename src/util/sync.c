#include "util/sync.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int nk_sync_pair(int fds[2], nk_error **err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return nk_err(err, errno, "socketpair");
    return 0;
}

int nk_sync_send(int fd, nk_sync_type type, int32_t value, const char *payload, nk_error **err)
{
    size_t plen = payload ? strnlen(payload, NK_SYNC_MAX_PAYLOAD) : 0;
    uint32_t hdr[3] = {type, (uint32_t)value, (uint32_t)plen};
    struct iovec iov[2] = {{hdr, sizeof(hdr)}, {(void *)payload, plen}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = plen ? 2 : 1};
    ssize_t n;
    do
        n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return nk_err(err, errno, "sync send");
    return 0;
}

int nk_sync_send_fd(int fd, nk_sync_type type, int pass_fd, nk_error **err)
{
    uint32_t hdr[3] = {type, 0, 0};
    struct iovec iov = {hdr, sizeof(hdr)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return nk_err(err, errno, "sync send");
    return 0;
}

/* The one fd a message may carry, or -1; anything else passed is closed. */
static int take_fd(struct msghdr *mh)
{
    int got = -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int f;
            memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (got < 0)
                got = f;
            else
                close(f);
        }
    }
    return got;
}

int nk_sync_recv(int fd, nk_sync_msg *msg, nk_error **err)
{
    uint32_t hdr[3];
    struct iovec iov[2] = {{hdr, sizeof(hdr)}, {msg->payload, NK_SYNC_MAX_PAYLOAD}};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr mh = {
        .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
    ssize_t n;
    msg->fd = -1;
    /* a peer that exits with a message of ours unread leaves ECONNRESET
     * pending, reported before what it sent last (its error): reading the
     * error clears it, the next recvmsg gets the message */
    bool reset_seen = false;
    for (;;) {
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (n >= 0 || (errno != EINTR && (errno != ECONNRESET || reset_seen)))
            break;
        reset_seen = reset_seen || errno == ECONNRESET;
    }
    if (n < 0)
        return nk_err(err, errno, "sync receive");
    int passed = n > 0 ? take_fd(&mh) : -1;
    if (passed >= 0 && ((size_t)n < sizeof(hdr) || hdr[0] != NK_SYNC_SECCOMP_FD)) {
        close(passed);
        passed = -1;
    }
    if (n == 0)
        return nk_err(err, 0, "child process exited before it reported back");
    if ((size_t)n < sizeof(hdr) || (mh.msg_flags & MSG_TRUNC) || hdr[2] > NK_SYNC_MAX_PAYLOAD ||
        (size_t)n != sizeof(hdr) + hdr[2] || (mh.msg_flags & MSG_CTRUNC)) {
        if (passed >= 0)
            close(passed);
        return nk_err(err, EBADMSG, "sync receive: malformed message");
    }
    msg->fd = passed;
    msg->type = hdr[0];
    msg->value = (int32_t)hdr[1];
    msg->len = hdr[2];
    msg->payload[msg->len] = '\0';
    return 0;
}

int nk_sync_expect(int fd, nk_sync_type type, nk_sync_msg *msg, nk_error **err)
{
    if (nk_sync_recv(fd, msg, err) < 0)
        return -1;
    if (msg->type != type && msg->fd >= 0) {
        close(msg->fd);
        msg->fd = -1;
    }
    if (msg->type == NK_SYNC_ERROR)
        return nk_err(err, msg->value, "%s", msg->payload);
    if (msg->type != type)
        return nk_err(err, EBADMSG, "sync: expected message %u, got %u", type, msg->type);
    return 0;
}

void nk_sync_send_error(int fd, nk_error *err)
{
    if (err == NULL)
        return;
    (void)nk_sync_send(fd, NK_SYNC_ERROR, err->errnum, err->msg, NULL);
}
