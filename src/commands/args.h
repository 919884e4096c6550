/* runc-compatible flag parsing (Go's flag package, as urfave/cli uses it):
 * `-f`, `--flag`, `-flag value`, `--flag=value`, bools as `--flag=false`,
 * `--` ends flags, `-h`/`--help` print usage. */
#ifndef NOOK_COMMANDS_ARGS_H
#define NOOK_COMMANDS_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "commands/commands.h"
#include "util/error.h"

typedef enum nk_flag_type {
    NK_FLAG_BOOL,   /* bool *: bare, or =true/false (Go's spellings) */
    NK_FLAG_STRING, /* const char **: =value or the next argument */
    NK_FLAG_INT,    /* int * */
    /* int * (-1 auto, 0, 1): bare means true; takes the next argument only when
     * it is true/false/auto, so `--rootless list` still reads as a command. */
    NK_FLAG_TRISTATE,
    NK_FLAG_STRINGS, /* nk_strlist *: repeatable, each use appends (exec --env) */
} nk_flag_type;

/* Values of a repeatable flag, pointing into argv; free with nk_strlist_free. */
typedef struct nk_strlist {
    const char **v;
    size_t n;
} nk_strlist;

void nk_strlist_free(nk_strlist *l);
#define _cleanup_strlist_ __attribute__((cleanup(nk_strlist_free)))

typedef struct nk_flag {
    const char *name;  /* "bundle"; NULL ends a table */
    const char *alias; /* "b", NULL: none */
    nk_flag_type type;
    void *value;
    const char *value_name; /* "value" in `--bundle value`; NULL for bools */
    const char *help;       /* NULL: hidden from usage */
} nk_flag;

/* Positional arguments, pointing into argv. */
typedef struct nk_args {
    char **v;
    int n;
} nk_args;

void nk_args_free(nk_args *a);
#define _cleanup_args_ __attribute__((cleanup(nk_args_free)))

#define NK_ARGS_HELP 1

/* Parses argv[1..argc) against flags. Returns 0 with *out filled, NK_ARGS_HELP
 * when help was asked for (and printed to stdout), negative on a usage error:
 * Go's wording ("flag provided but not defined: -x") or the count check
 * (`"start" requires exactly 1 argument(s)`). cmd NULL: global flags, which
 * stop at the first positional (the command name) and skip the count check. */
int nk_args_parse(const nk_command *cmd, const nk_flag *flags, int argc, char **argv, nk_args *out,
                  nk_error **err);

/* `nook CMD --help`. */
void nk_args_print_usage(FILE *f, const nk_command *cmd, const nk_flag *flags);

/* Go's strconv.ParseBool spellings. */
int nk_parse_bool(const char *s, bool *out);

#endif
