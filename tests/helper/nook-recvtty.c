/* nook-recvtty SOCKET [INPUT]: the caller's side of --console-socket, for
 * tests. Listens on SOCKET, takes the one message a runtime sends (the pty
 * name as data, the master as SCM_RIGHTS), prints "name=<pty name>", writes
 * INPUT (with \n escapes) to the master, then copies everything the
 * container prints to stdout until the pty closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
    fprintf(stderr, "nook-recvtty: %s: %s\n", what, strerror(errno));
    return 1;
}

static size_t unescape(char *s)
{
    char *out = s;
    for (char *in = s; *in; in++) {
        if (in[0] == '\\' && in[1] == 'n') {
            *out++ = '\n';
            in++;
        } else {
            *out++ = *in;
        }
    }
    return (size_t)(out - s);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: nook-recvtty SOCKET [INPUT]\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof(addr.sun_path))
        return errno = ENAMETOOLONG, die("socket path");
    strcpy(addr.sun_path, argv[1]);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(argv[1]);
    if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0)
        return die("listen");
    int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return die("accept");
    char name[4096];
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, sizeof(name) - 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return die("recvmsg");
    name[n] = '\0';
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (cm == NULL || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) {
        fprintf(stderr, "nook-recvtty: no single fd in the message\n");
        return 1;
    }
    int master;
    memcpy(&master, CMSG_DATA(cm), sizeof(int));
    printf("name=%s\n", name);
    fflush(stdout);
    if (argc > 2) {
        size_t len = unescape(argv[2]);
        if (write(master, argv[2], len) != (ssize_t)len)
            return die("write input");
    }
    char buf[4096];
    while ((n = read(master, buf, sizeof(buf))) > 0)
        if (write(STDOUT_FILENO, buf, (size_t)n) != n)
            return die("write output");
    /* EIO: every peer of the pty is closed, the container is done */
    return n < 0 && errno != EIO ? die("read") : 0;
}
