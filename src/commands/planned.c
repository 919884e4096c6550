/* Commands runc has and nook will: listed in `help` so callers see the whole
 * surface, failing with a clear message until each gets its own file. */
#include <stddef.h>

#include "commands/commands.h"

#define PLANNED(var, cname, csummary, cargs)                                                       \
    const nk_command var = {                                                                       \
        .name = cname,                                                                             \
        .summary = csummary,                                                                       \
        .args_usage = cargs,                                                                       \
        .description = "   Not implemented in this version of nook (see spec/FEATURES.md).",       \
        .min_args = 0,                                                                             \
        .max_args = -1,                                                                            \
        .run = NULL,                                                                               \
    }

PLANNED(nk_cmd_checkpoint, "checkpoint", "checkpoint a running container", "<container-id>");
PLANNED(nk_cmd_restore, "restore", "restore a container from a previous checkpoint",
        "<container-id>");
