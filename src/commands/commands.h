/* The command table: one nk_command per subcommand, each defined in its own
 * src/commands/<name>.c, dispatched by src/main.c. */
#ifndef NOOK_COMMANDS_COMMANDS_H
#define NOOK_COMMANDS_COMMANDS_H

#include <stdbool.h>

#include "context.h"
#include "util/error.h"

typedef struct nk_command nk_command;

/* argv[0] is the command name. Returns the process exit status (0, or the
 * container's for `run`), or a negative value with *err set. */
typedef int (*nk_command_fn)(nk_context *ctx, const nk_command *cmd, int argc, char **argv,
                             nk_error **err);

struct nk_command {
    const char *name;
    const char *alias;       /* NULL: none */
    const char *summary;     /* one line for `nook help` */
    const char *args_usage;  /* "<container-id>" */
    const char *description; /* paragraphs for `nook CMD --help`, NULL: none */
    int min_args, max_args;  /* positional arguments; max -1: unbounded */
    /* Parse flags only up to the first positional (exec: the command line
     * after the id belongs to the container). Otherwise known flags after
     * positionals are still taken as flags, as runc does for `delete ID -f`. */
    bool stop_at_positional;
    nk_command_fn run; /* NULL: planned, not implemented in this version */
};

extern const nk_command nk_cmd_spec, nk_cmd_create, nk_cmd_start, nk_cmd_run, nk_cmd_state,
    nk_cmd_list, nk_cmd_kill, nk_cmd_delete, nk_cmd_features, nk_cmd_exec, nk_cmd_ps, nk_cmd_pause,
    nk_cmd_resume, nk_cmd_update, nk_cmd_events;
/* Later work: in the table and `help`, fail clearly when used. */
extern const nk_command nk_cmd_checkpoint, nk_cmd_restore;

/* Shared by create and run. */
int nk_check_cgroup_driver(const nk_context *ctx, nk_error **err);
/* filepath.Abs without the cleaning: the core may chdir, callers' relative
 * paths must keep meaning what they meant in the caller's directory. */
int nk_abs_path(const char *path, char **out, nk_error **err);

#endif
