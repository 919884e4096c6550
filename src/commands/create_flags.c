#include <stdlib.h>

#include "commands/create_flags.h"

void nk_create_flags_table(nk_create_flags *cf, nk_flag *flags)
{
    flags[0] = (nk_flag){"bundle",
                         "b",
                         NK_FLAG_STRING,
                         &cf->bundle,
                         NULL,
                         "path to the root of the bundle directory, defaults to the current "
                         "directory"};
    flags[1] = (nk_flag){"console-socket",
                         NULL,
                         NK_FLAG_STRING,
                         &cf->console_socket,
                         NULL,
                         "path to an AF_UNIX socket that receives the pseudoterminal master fd"};
    flags[2] = (nk_flag){"pid-file",    NULL, NK_FLAG_STRING,
                         &cf->pid_file, NULL, "write the container init's process id to this file"};
    flags[3] = (nk_flag){
        "no-pivot",    NULL, NK_FLAG_BOOL,
        &cf->no_pivot, NULL, "do not pivot_root into the rootfs (for a rootfs on a ramdisk)"};
    flags[4] = (nk_flag){"no-new-keyring",
                         NULL,
                         NK_FLAG_BOOL,
                         &cf->no_new_keyring,
                         NULL,
                         "keep the caller's session keyring instead of creating a new one"};
    flags[5] = (nk_flag){"preserve-fds",
                         NULL,
                         NK_FLAG_INT,
                         &cf->preserve_fds,
                         NULL,
                         "pass N more file descriptors to the container (after stdio and "
                         "$LISTEN_FDS)"};
}

int nk_create_flags_to_opts(const nk_context *ctx, nk_create_flags *cf, const char *id,
                            nk_create_opts *o, nk_error **err)
{
    if (nk_check_cgroup_driver(ctx, err) < 0)
        return -1;
    if (cf->preserve_fds < 0)
        return nk_err(err, 0, "--preserve-fds must not be negative");
    if (cf->bundle != NULL && nk_abs_path(cf->bundle, &cf->abs_bundle, err) < 0)
        return -1;
    if (cf->pid_file != NULL && nk_abs_path(cf->pid_file, &cf->abs_pid_file, err) < 0)
        return -1;
    if (cf->console_socket != NULL &&
        nk_abs_path(cf->console_socket, &cf->abs_console_socket, err) < 0)
        return -1;
    *o = (nk_create_opts){
        .id = id,
        .bundle = cf->abs_bundle,
        .pid_file = cf->abs_pid_file,
        .console_socket = cf->abs_console_socket,
        .no_pivot = cf->no_pivot,
        .no_new_keyring = cf->no_new_keyring,
        .preserve_fds = cf->preserve_fds,
    };
    return 0;
}

void nk_create_flags_release(nk_create_flags *cf)
{
    free(cf->abs_bundle);
    free(cf->abs_pid_file);
    free(cf->abs_console_socket);
    cf->abs_bundle = cf->abs_pid_file = cf->abs_console_socket = NULL;
}
