#include "util/in_child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* The child's answer: this header, then len bytes (the result, or the
 * error's message when status is not 0). */
typedef struct reply {
    int32_t status;
    int32_t errnum;
    uint64_t len;
} reply;

/* Far above any program or layout; bounds what the parent allocates. */
#define MAX_REPLY (16u << 20)

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static _Noreturn void child(int fd, nk_child_fn fn, void *arg)
{
    void *out = NULL;
    size_t len = 0;
    nk_error *e = NULL;
    reply r = {0};
    const void *payload = NULL;
    if (fn(arg, &out, &len, &e) == 0) {
        payload = out;
        r.len = len;
    } else {
        r.status = -1;
        r.errnum = e != NULL ? e->errnum : 0;
        payload = e != NULL && e->msg != NULL ? e->msg : "failed";
        r.len = strlen(payload);
    }
    /* _exit: no atexit handlers, no stdio flush of the parent's buffers */
    if (nk_write_all(fd, &r, sizeof(r)) < 0 || nk_write_all(fd, payload, r.len) < 0)
        _exit(1);
    _exit(0);
}

int nk_run_in_child(const char *what, nk_child_fn fn, void *arg, void **out, size_t *len,
                    nk_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return nk_err(err, errno, "%s: pipe", what);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return nk_err(err, e, "%s: fork", what);
    }
    if (pid == 0) {
        close(p[0]);
        child(p[1], fn, arg);
    }
    close(p[1]);
    _cleanup_close_ int fd = p[0];
    reply r;
    _cleanup_free_ char *buf = NULL;
    bool got = read_full(fd, &r, sizeof(r)) == 0 && r.len <= MAX_REPLY;
    if (got) {
        buf = xmalloc(r.len + 1);
        got = read_full(fd, buf, r.len) == 0;
        buf[r.len] = '\0';
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFSIGNALED(status))
            return nk_err(err, 0, "%s: the child doing it was killed by signal %d", what,
                          WTERMSIG(status));
        return nk_err(err, 0, "%s: the child doing it gave no answer", what);
    }
    if (r.status != 0)
        return nk_err(err, r.errnum, "%s", buf);
    *out = NK_TAKE_PTR(buf);
    *len = (size_t)r.len;
    return 0;
}
