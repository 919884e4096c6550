/* `nook spec`: a starter config.json, the same defaults runc writes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "commands/args.h"
#include "oci/state_json.h"
#include "util/cleanup.h"
#include "util/fs.h"

static int cmd_spec(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const char *bundle = NULL;
    bool rootless = false;
    const nk_flag flags[] = {
        {"bundle", "b", NK_FLAG_STRING, &bundle, NULL, "path to the root of the bundle directory"},
        {"rootless", NULL, NK_FLAG_BOOL, &rootless, NULL,
         "generate a configuration for a rootless container"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;

    _cleanup_close_ int dirfd =
        open(bundle != NULL ? bundle : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return nk_err(err, errno, "open bundle %s", bundle != NULL ? bundle : ".");

    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    if (oci_spec_default(rootless, geteuid(), getegid(), &json, &len, err) < 0)
        return -1;

    /* O_EXCL: never overwrite a config someone edited by hand. 0666 and the
     * umask decide the mode, as for runc's spec. */
    _cleanup_close_ int fd =
        openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0 && (errno == EEXIST || errno == ELOOP))
        return nk_err(err, 0, "File config.json exists. Remove it first");
    if (fd < 0)
        return nk_err(err, errno, "create config.json");
    if (nk_write_all(fd, json, len) < 0 ||
        (len > 0 && json[len - 1] != '\n' && nk_write_all(fd, "\n", 1) < 0)) {
        int e = errno;
        unlinkat(dirfd, "config.json", 0);
        return nk_err(err, e, "write config.json");
    }
    return 0;
}

const nk_command nk_cmd_spec = {
    .name = "spec",
    .summary = "create a new specification file",
    .args_usage = "",
    .description =
        "   Writes config.json, a starter OCI runtime configuration, into the bundle directory\n"
        "(the current directory unless --bundle is given). It runs \"sh\" in the container's\n"
        "rootfs with a terminal; edit it to suit the image. An existing config.json is never\n"
        "overwritten. --rootless writes a configuration that an unprivileged user can run:\n"
        "a user namespace mapping the caller's ids, and no host cgroup settings.",
    .min_args = 0,
    .max_args = 0,
    .run = cmd_spec,
};
