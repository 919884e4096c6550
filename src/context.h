/* What one invocation knows: the parsed global flags and lazily discovered
 * host facts. Passed down explicitly; nook has no other mutable globals. */
#ifndef NOOK_CONTEXT_H
#define NOOK_CONTEXT_H

#include <stdbool.h>

typedef enum nk_log_format { NK_LOG_TEXT, NK_LOG_JSON } nk_log_format;

typedef struct nk_context {
    const char *argv0;
    const char *root; /* state root, default /run/nook */
    const char *log_path;
    nk_log_format log_format;
    bool debug;
    bool systemd_cgroup;
    bool cgroups_disabled; /* --cgroup-manager=disabled (crun's flag) */
    int rootless;          /* -1 auto, 0 false, 1 true */
    int log_fd;            /* -1: stderr only */
} nk_context;

#endif
