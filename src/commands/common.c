/* Small pieces more than one command needs. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "commands/commands.h"
#include "util/xalloc.h"

int nk_check_cgroup_driver(const nk_context *ctx, nk_error **err)
{
    /* Refuse up front rather than silently managing cgroups in a layout the
     * caller (containerd, podman) did not ask for and will not find. */
    if (ctx->systemd_cgroup)
        return nk_err(err, 0,
                      "systemd cgroup driver is not supported by nook yet, run without "
                      "--systemd-cgroup");
    return 0;
}

int nk_abs_path(const char *path, char **out, nk_error **err)
{
    if (path[0] == '/') {
        *out = xstrdup(path);
        return 0;
    }
    char *cwd = getcwd(NULL, 0);
    if (cwd == NULL)
        return nk_err(err, errno, "get current directory");
    *out = xasprintf("%s/%s", cwd, path);
    free(cwd);
    return 0;
}
