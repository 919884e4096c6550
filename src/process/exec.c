/* The last step: fd hygiene, HOME, execve. Every fd the runtime still holds
 * beyond stdio and the preserved ones must be gone in the new program
 * (CVE-2024-21626 leaked a host directory fd exactly there). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process.h"
#include "process/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int set_cloexec(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags < 0)
        return -1;
    int want = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    return want == flags ? 0 : fcntl(fd, F_SETFD, want);
}

static void closedirp(DIR **d)
{
    if (*d != NULL)
        closedir(*d);
}

int nk_fds_cloexec_from_procfs(int first, nk_error **err)
{
    __attribute__((cleanup(closedirp))) DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return nk_err(err, errno, "open /proc/self/fd");
    struct dirent *de;
    while ((errno = 0, de = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(de->d_name, &end, 10);
        if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end != '\0')
            continue;
        if (fd < first || fd == dirfd(d))
            continue;
        if (set_cloexec((int)fd, true) < 0 && errno != EBADF)
            return nk_err(err, errno, "mark fd %ld close-on-exec", fd);
    }
    if (errno != 0)
        return nk_err(err, errno, "read /proc/self/fd");
    return 0;
}

/* Marking instead of closing: the caller may still need its sync socket or
 * exec fifo between here and execve. */
int nk_fds_cloexec_from(int first, nk_error **err)
{
    if (close_range((unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return 0;
    /* ENOSYS/EINVAL: kernel older than 5.11; EPERM: a seccomp filter. */
    return nk_fds_cloexec_from_procfs(first, err);
}

char **nk_process_build_env(const oci_strv *env, const char *passwd_path, uid_t uid)
{
    const char *home = nk_env_get(env, "HOME");
    _cleanup_free_ char *pw_home = NULL;
    bool add_home = home == NULL || home[0] == '\0';
    char **out = xcalloc(env->len + 2, sizeof(char *));
    size_t n = 0;

    for (size_t i = 0; i < env->len; i++) {
        /* runc replaces an empty HOME as well as a missing one. */
        if (add_home && strncmp(env->v[i], "HOME=", 5) == 0)
            continue;
        out[n++] = xstrdup(env->v[i]);
    }
    if (add_home) {
        /* Unreadable or odd passwd: "/" as runc does with no entry. */
        if (nk_passwd_home(passwd_path, uid, &pw_home, NULL) < 0 || pw_home == NULL ||
            pw_home[0] == '\0')
            out[n++] = xstrdup("HOME=/");
        else
            out[n++] = xasprintf("HOME=%s", pw_home);
    }
    out[n] = NULL;
    return out;
}

int nk_process_exec(const oci_process *p, const char *path, int preserve_fds, nk_error **err)
{
    _cleanup_strv_ char **envp = nk_process_build_env(&p->env, "/etc/passwd", getuid());

    if (preserve_fds < 0)
        preserve_fds = 0;
    if (nk_fds_cloexec_from(3 + preserve_fds, err) < 0)
        return -1;
    /* The runtime opens everything O_CLOEXEC, preserved fds included; these
     * are the ones the caller asked to hand over. Gaps are fine. */
    for (int fd = 3; fd < 3 + preserve_fds; fd++)
        if (set_cloexec(fd, false) < 0 && errno != EBADF)
            return nk_err(err, errno, "make preserved fd %d inheritable", fd);

    execve(path, p->args.v, envp);
    return nk_err(err, errno, "exec %s", path);
}
