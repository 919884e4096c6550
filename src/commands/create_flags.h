/* The flags `create` and `run` share, and their translation to the core's
 * nk_create_opts. */
#ifndef NOOK_COMMANDS_CREATE_FLAGS_H
#define NOOK_COMMANDS_CREATE_FLAGS_H

#include "commands/args.h"
#include "container.h"

typedef struct nk_create_flags {
    const char *bundle, *pid_file, *console_socket; /* as given */
    bool no_pivot, no_new_keyring;
    int preserve_fds;
    /* owned absolute versions, filled by nk_create_flags_to_opts */
    char *abs_bundle, *abs_pid_file, *abs_console_socket;
} nk_create_flags;

#define NK_CREATE_NFLAGS 6

/* Writes NK_CREATE_NFLAGS entries, bound to cf, at flags[0..]. */
void nk_create_flags_table(nk_create_flags *cf, nk_flag *flags);

/* Validates and fills o (whose strings point into cf and argv). Relative
 * paths become absolute against the caller's directory: the core may chdir,
 * and a relative --pid-file must still land where the caller will read it. */
int nk_create_flags_to_opts(const nk_context *ctx, nk_create_flags *cf, const char *id,
                            nk_create_opts *o, nk_error **err);

void nk_create_flags_release(nk_create_flags *cf);
#define _cleanup_create_flags_ __attribute__((cleanup(nk_create_flags_release)))

#endif
