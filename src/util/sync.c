#include "util/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

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

int nk_sync_recv(int fd, nk_sync_msg *msg, nk_error **err)
{
    uint32_t hdr[3];
    struct iovec iov[2] = {{hdr, sizeof(hdr)}, {msg->payload, NK_SYNC_MAX_PAYLOAD}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t n;
    do
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return nk_err(err, errno, "sync receive");
    if (n == 0)
        return nk_err(err, 0, "child process exited before it reported back");
    if ((size_t)n < sizeof(hdr) || (mh.msg_flags & MSG_TRUNC) || hdr[2] > NK_SYNC_MAX_PAYLOAD ||
        (size_t)n != sizeof(hdr) + hdr[2])
        return nk_err(err, EBADMSG, "sync receive: malformed message");
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
