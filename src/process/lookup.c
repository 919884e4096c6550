/* args[0] -> the file to execve, with Go's exec.LookPath rules that runc
 * users expect: a name with a slash is taken as is, anything else searched in
 * the container's PATH, and only regular files with an exec bit qualify. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "process.h"
#include "process/internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

const char *nk_env_get(const oci_strv *env, const char *key)
{
    const char *found = NULL;
    size_t klen = strlen(key);

    for (size_t i = 0; i < env->len; i++) {
        const char *e = env->v[i];
        if (strncmp(e, key, klen) == 0 && e[klen] == '=')
            found = e + klen + 1;
    }
    return found;
}

/* 0 when executable, else an errno: ENOENT and friends from stat, EACCES for
 * directories and files without any exec bit (Go reports both as
 * "permission denied"). Whether *this* user may run it is execve's call.
 * A relative path is taken from process.cwd, where execve will run it: the
 * caller may look up before it has changed directory. */
static int executable_errno(const char *path, const char *cwd)
{
    _cleanup_free_ char *full = NULL;
    struct stat st;

    if (path[0] != '/' && cwd != NULL)
        path = full = xasprintf("%s/%s", cwd, path);
    if (stat(path, &st) < 0)
        return errno;
    if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
        return EACCES;
    return 0;
}

int nk_lookup_in_path(const char *name, const char *path_list, const char *cwd, char **path_out,
                      nk_error **err)
{
    const char *dir = path_list;

    /* An empty name would match every directory as "dir/". */
    while (name[0] != '\0') {
        const char *end = strchrnul(dir, ':');
        size_t dlen = (size_t)(end - dir);
        /* An empty element is the cwd, as in execvp and Go. */
        _cleanup_free_ char *cand =
            dlen == 0 ? xasprintf("./%s", name) : xasprintf("%.*s/%s", (int)dlen, dir, name);

        if (executable_errno(cand, cwd) == 0) {
            /* Go (so runc) refuses what a relative PATH entry finds rather
             * than silently running a file from the working directory. */
            if (cand[0] != '/')
                return nk_err(err, 0,
                              "exec: \"%s\": cannot run executable found relative to current "
                              "directory",
                              name);
            *path_out = NK_TAKE_PTR(cand);
            return 0;
        }
        if (*end == '\0')
            break;
        dir = end + 1;
    }
    return nk_err(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

int nk_process_lookup(const oci_process *p, char **path_out, nk_error **err)
{
    const char *name = p->args.v[0];

    if (strchr(name, '/') != NULL) {
        int e = executable_errno(name, p->cwd);
        if (e == EACCES)
            return nk_err(err, e, "exec: \"%s\"", name);
        if (e != 0)
            return nk_err(err, e, "exec: \"%s\": stat %s", name, name);
        *path_out = xstrdup(name);
        return 0;
    }

    const char *path_list = nk_env_get(&p->env, "PATH");
    if (path_list == NULL)
        path_list = NK_DEFAULT_PATH;
    return nk_lookup_in_path(name, path_list, p->cwd, path_out, err);
}
