/* SCMP_ACT_NOTIFY: the runtime-spec's hand-over to linux.seccomp.listenerPath.
 * One message on a SOCK_STREAM unix socket: the container process state
 * (ociVersion, fds ["seccompFd"], pid, metadata, state) as JSON, with the
 * notify fd as SCM_RIGHTS. The parent does it: init has pivoted away from
 * the host's socket by then. */
#include "seccomp/internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

#define SPEC_VERSION "1.3.0"

static int process_state_json(const oci_seccomp *sc, pid_t pid, const char *state_json, char **out,
                              nk_error **err)
{
    jw w;
    _cleanup_free_ char *head = NULL;
    size_t len = 0;
    static const char *const fds[] = {"seccompFd", NULL};
    jw_init(&w, NULL);
    jw_open_map(&w);
    jw_kstr(&w, "ociVersion", SPEC_VERSION);
    jw_kstrs(&w, "fds", fds);
    jw_kint(&w, "pid", pid);
    if (sc->listener_metadata != NULL)
        jw_kstr(&w, "metadata", sc->listener_metadata);
    jw_close_map(&w);
    if (jw_finish(&w, &head, &len, err) < 0)
        return -1;
    /* the state object is already JSON: splice it in as the last member */
    head[len - 1] = '\0';
    *out = xasprintf("%s,\"state\":%s}", head, state_json);
    return 0;
}

static int send_all(int sock, const char *buf, size_t len, int fd, nk_error **err)
{
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof(ctl));
    struct iovec iov = {(void *)buf, len};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    while (len > 0) {
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return nk_err(err, errno, "send");
        /* the fd went with the first bytes; the rest is plain data */
        iov.iov_base = (char *)iov.iov_base + n;
        iov.iov_len = len -= (size_t)n;
        mh.msg_control = NULL;
        mh.msg_controllen = 0;
    }
    return 0;
}

int nk_seccomp_send_listener(const oci_seccomp *sc, int notify_fd, pid_t pid,
                             const char *state_json, nk_error **err)
{
    const char *path = sc->listener_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (path == NULL || strlen(path) >= sizeof(sa.sun_path))
        return nk_err(err, ENAMETOOLONG, "linux.seccomp.listenerPath: `%s`", path ? path : "");
    memcpy(sa.sun_path, path, strlen(path) + 1);
    _cleanup_free_ char *msg = NULL;
    if (process_state_json(sc, pid, state_json, &msg, err) < 0)
        return -1;
    _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return nk_err(err, errno, "socket");
    if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return nk_err(err, errno, "linux.seccomp.listenerPath: connect to `%s`", path);
    if (send_all(sock, msg, strlen(msg), notify_fd, err) < 0)
        return nk_err_wrap(err, "linux.seccomp.listenerPath: `%s`", path);
    return 0;
}
