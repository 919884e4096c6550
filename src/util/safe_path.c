#include "util/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* Same bound as the kernel's MAXSYMLINKS. */
#define NK_MAX_SYMLINKS 40
/* openat2(RESOLVE_IN_ROOT) answers EAGAIN when a concurrent rename makes ".."
 * handling unsafe; a racer must not be able to keep us spinning forever. */
#define NK_OPENAT2_RETRIES 128

typedef enum { WALK_OPEN, WALK_MKDIR, WALK_FILE } walk_mode;

nk_fd_path nk_fd_proc_path(int fd)
{
    nk_fd_path p;
    snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
    return p;
}

/* Errors keep errno so callers can tell ENOENT from the rest. */
#define fail(err, errnum, ...)                                                                     \
    ({                                                                                             \
        int _e = (errnum);                                                                         \
        nk_err((err), _e, __VA_ARGS__);                                                            \
        errno = _e;                                                                                \
        -1;                                                                                        \
    })

static int read_link_fd(int fd, char **out)
{
    size_t cap = 256;
    for (;;) {
        _cleanup_free_ char *buf = xmalloc(cap);
        /* An empty name reads the link the O_PATH fd itself refers to. */
        ssize_t n = readlinkat(fd, "", buf, cap);
        if (n < 0)
            return -1;
        if ((size_t)n < cap) {
            buf[n] = '\0';
            *out = NK_TAKE_PTR(buf);
            return 0;
        }
        cap *= 2;
    }
}

typedef struct fd_stack {
    int *fds;
    size_t len, cap;
} fd_stack;

static void fd_stack_push(fd_stack *s, int fd)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->fds = xreallocarray(s->fds, s->cap, sizeof(int));
    }
    s->fds[s->len++] = fd;
}

static void fd_stack_pop(fd_stack *s)
{
    close(s->fds[--s->len]);
}

static void fd_stack_freep(fd_stack *s)
{
    int saved = errno;
    while (s->len > 0)
        fd_stack_pop(s);
    free(s->fds);
    s->fds = NULL;
    errno = saved;
}

/* Opens (and in the create modes, makes) one component below the directory
 * on top of the stack, never following a symlink there. */
static int open_component(int dirfd, const char *name, bool last, walk_mode mode, mode_t perm)
{
    int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || mode == WALK_OPEN)
        return fd;
    int r = (last && mode == WALK_FILE) ? mknodat(dirfd, name, S_IFREG | perm, 0)
                                        : mkdirat(dirfd, name, perm);
    /* EEXIST: someone raced us; whatever is there now is resolved like any
     * other component (a symlink stays confined to the root). */
    if (r < 0 && errno != EEXIST)
        return -1;
    return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* Splices a symlink's target in front of what is left of the path. */
static char *splice_link(const char *target, const char *rest)
{
    while (*rest == '/')
        rest++;
    return *rest ? xasprintf("%s/%s", target, rest) : xstrdup(target);
}

static int walk(int rootfd, const char *path, bool nofollow, walk_mode mode, mode_t perm,
                nk_error **err)
{
    _cleanup_(fd_stack_freep) fd_stack stack = {0};
    int root = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return fail(err, errno, "open root to resolve `%s`", path);
    fd_stack_push(&stack, root);

    _cleanup_free_ char *buf = xstrdup(path);
    const char *p = buf;
    unsigned links = 0;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        const char *end = strchrnul(p, '/');
        _cleanup_free_ char *name = xstrndup(p, (size_t)(end - p));
        p = end;
        const char *q = p;
        while (*q == '/')
            q++;
        bool last = *q == '\0';

        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            /* ".." at the root stays at the root, as after chroot. */
            if (stack.len > 1)
                fd_stack_pop(&stack);
            continue;
        }
        _cleanup_close_ int fd = open_component(stack.fds[stack.len - 1], name, last, mode, perm);
        if (fd < 0)
            return fail(err, errno, "resolve `%s` in the container root", path);
        struct stat st;
        if (fstat(fd, &st) < 0)
            return fail(err, errno, "stat `%s`", path);
        if (S_ISLNK(st.st_mode) && !(last && nofollow)) {
            if (++links > NK_MAX_SYMLINKS)
                return fail(err, ELOOP, "resolve `%s` in the container root", path);
            _cleanup_free_ char *target = NULL;
            if (read_link_fd(fd, &target) < 0)
                return fail(err, errno, "readlink while resolving `%s`", path);
            if (target[0] == '\0')
                return fail(err, ENOENT, "resolve `%s` in the container root", path);
            /* An absolute target restarts at the container's root, never
             * the host's: this is what keeps the image's links inside. */
            if (target[0] == '/')
                while (stack.len > 1)
                    fd_stack_pop(&stack);
            char *next = splice_link(target, p);
            free(buf);
            buf = next;
            p = buf;
            continue;
        }
        if (!last && !S_ISDIR(st.st_mode))
            return fail(err, ENOTDIR, "resolve `%s` in the container root", path);
        fd_stack_push(&stack, NK_TAKE_FD(fd));
    }

    int top = stack.fds[stack.len - 1];
    struct stat st;
    if (fstat(top, &st) < 0)
        return fail(err, errno, "stat `%s`", path);
    if (mode == WALK_MKDIR && !S_ISDIR(st.st_mode))
        return fail(err, ENOTDIR, "mkdir `%s` in the container root", path);
    if (mode == WALK_FILE && S_ISDIR(st.st_mode))
        return fail(err, EISDIR, "create file `%s` in the container root", path);
    stack.len--;
    return top;
}

int nk_safe_walk(int rootfd, const char *path, bool nofollow, nk_error **err)
{
    return walk(rootfd, path, nofollow, WALK_OPEN, 0, err);
}

static int walk_open(int rootfd, const char *path, int flags, nk_error **err)
{
    _cleanup_close_ int fd = walk(rootfd, path, (flags & O_NOFOLLOW) != 0, WALK_OPEN, 0, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return fail(err, errno, "stat `%s`", path);
    if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
        return fail(err, ENOTDIR, "open `%s` in the container root", path);
    if (flags & O_PATH)
        return NK_TAKE_FD(fd);
    if (S_ISLNK(st.st_mode))
        return fail(err, ELOOP, "open `%s` in the container root", path);
    /* Upgrading our own verified O_PATH fd: the magic link points at exactly
     * the inode we checked. */
    int r = open(nk_fd_proc_path(fd).s, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
    if (r < 0)
        return fail(err, errno, "open `%s` in the container root", path);
    return r;
}

int nk_safe_open(int rootfd, const char *path, int flags, nk_error **err)
{
    const char *rel = path;
    while (*rel == '/')
        rel++;
    if (*rel == '\0')
        rel = ".";
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    for (int i = 0; i < NK_OPENAT2_RETRIES; i++) {
        int fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
        if (fd >= 0)
            return fd;
        if (errno == EAGAIN)
            continue;
        if (errno == ENOSYS)
            return walk_open(rootfd, path, flags, err);
        return fail(err, errno, "open `%s` in the container root", path);
    }
    return fail(err, EAGAIN, "open `%s` in the container root", path);
}

int nk_safe_mkdir_all(int rootfd, const char *path, mode_t mode, nk_error **err)
{
    int fd = nk_safe_open(rootfd, path, O_PATH | O_DIRECTORY, NULL);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT)
        return fail(err, errno, "mkdir `%s` in the container root", path);
    return walk(rootfd, path, false, WALK_MKDIR, mode, err);
}

int nk_safe_create_file(int rootfd, const char *path, mode_t mode, nk_error **err)
{
    int fd = nk_safe_open(rootfd, path, O_PATH, NULL);
    if (fd < 0 && errno != ENOENT)
        return fail(err, errno, "create file `%s` in the container root", path);
    if (fd < 0)
        return walk(rootfd, path, false, WALK_FILE, mode, err);
    _cleanup_close_ int owned = fd;
    struct stat st;
    if (fstat(owned, &st) < 0)
        return fail(err, errno, "stat `%s`", path);
    if (S_ISDIR(st.st_mode))
        return fail(err, EISDIR, "create file `%s` in the container root", path);
    return NK_TAKE_FD(owned);
}

int nk_fd_check_beneath(int fd, const char *root, const char *what, nk_error **err)
{
    _cleanup_free_ char *real = NULL;
    size_t cap = 256;
    for (;;) {
        free(real);
        real = xmalloc(cap);
        ssize_t n = readlink(nk_fd_proc_path(fd).s, real, cap);
        if (n < 0)
            return nk_err(err, errno, "check where `%s` resolved to", what);
        if ((size_t)n < cap) {
            real[n] = '\0';
            break;
        }
        cap *= 2;
    }
    size_t len = strlen(root);
    while (len > 0 && root[len - 1] == '/')
        len--;
    if (real[0] == '/' && strncmp(real, root, len) == 0 && (real[len] == '/' || real[len] == '\0'))
        return 0;
    return nk_err(err, EXDEV, "`%s` resolved to `%s`, outside the container root `%s`", what, real,
                  root);
}
