/* One-off work in a forked child (util/in_child.c). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/in_child.h"

static int give_bytes(void *arg, void **out, size_t *len, nk_error **err)
{
    size_t n = *(size_t *)arg;
    char *buf = malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(i * 7);
    *out = buf;
    *len = n;
    return 0;
}

static int fail_with_errno(void *arg, void **out, size_t *len, nk_error **err)
{
    return nk_err(err, EACCES, "linux.seccomp.syscalls[3]: add a rule for %s", (const char *)arg);
}

static int die(void *arg, void **out, size_t *len, nk_error **err)
{
    raise(SIGKILL);
    return 0;
}

/* More than a pipe holds: the parent reads while the child writes. */
TEST(result_comes_back_whole)
{
    size_t want = 300000;
    void *out = NULL;
    size_t len = 0;
    nk_error *e = NULL;
    CHECK(nk_run_in_child("test", give_bytes, &want, &out, &len, &e) == 0);
    CHECK(len == want);
    const char *b = out;
    bool same = true;
    for (size_t i = 0; i < want; i++)
        same = same && b[i] == (char)(i * 7);
    CHECK(same);
    CHECK(b[len] == '\0');
    free(out);
}

/* The child's error reads as if nook had failed itself. */
TEST(error_keeps_errno_and_message)
{
    void *out = NULL;
    size_t len = 0;
    nk_error *e = NULL;
    CHECK(nk_run_in_child("test", fail_with_errno, "ptrace", &out, &len, &e) < 0);
    CHECK(e->errnum == EACCES);
    CHECK(strcmp(nk_error_text(e), "linux.seccomp.syscalls[3]: add a rule for ptrace: "
                                   "Permission denied") == 0);
    CHECK(out == NULL);
    nk_error_free(e);
}

TEST(a_killed_child_is_an_error)
{
    void *out = NULL;
    size_t len = 0;
    nk_error *e = NULL;
    CHECK(nk_run_in_child("compile the seccomp filter", die, NULL, &out, &len, &e) < 0);
    CHECK_CONTAINS(nk_error_text(e),
                   "compile the seccomp filter: the child doing it was killed by signal 9");
    nk_error_free(e);
}
