/* Flag parsing with Go's flag-package rules, since callers (containerd via
 * go-runc, podman, scripts written for runc) use all of its spellings:
 * go-runc itself emits `-no-subreaper`. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands/args.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

void nk_args_free(nk_args *a)
{
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

void nk_strlist_free(nk_strlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int nk_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_tristate(const char *s, int *out)
{
    bool b;
    if (strcmp(s, "auto") == 0) {
        *out = -1;
        return 0;
    }
    if (nk_parse_bool(s, &b) < 0)
        return -1;
    *out = b ? 1 : 0;
    return 0;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

static const nk_flag *find_flag(const nk_flag *flags, const char *name, size_t len)
{
    for (const nk_flag *f = flags; f != NULL && f->name != NULL; f++) {
        if ((strlen(f->name) == len && strncmp(f->name, name, len) == 0) ||
            (f->alias != NULL && strlen(f->alias) == len && strncmp(f->alias, name, len) == 0))
            return f;
    }
    return NULL;
}

static bool is_help(const char *name, size_t len)
{
    return (len == 1 && name[0] == 'h') || (len == 4 && strncmp(name, "help", 4) == 0);
}

/* Sets the flag from its "=value" (value != NULL) or from argv[*i + 1]. */
static int set_flag(const nk_flag *f, const char *typed, int typed_len, const char *value, int argc,
                    char **argv, int *i, nk_error **err)
{
    switch (f->type) {
    case NK_FLAG_BOOL:
        if (value == NULL) {
            *(bool *)f->value = true;
        } else if (nk_parse_bool(value, (bool *)f->value) < 0) {
            return nk_err(err, 0, "invalid boolean value \"%s\" for -%.*s: parse error", value,
                          typed_len, typed);
        }
        return 0;
    case NK_FLAG_TRISTATE:
        if (value != NULL) {
            if (parse_tristate(value, (int *)f->value) < 0)
                return nk_err(err, 0,
                              "invalid value \"%s\" for flag -%.*s: want true, false or auto",
                              value, typed_len, typed);
        } else if (*i + 1 < argc && parse_tristate(argv[*i + 1], (int *)f->value) == 0) {
            (*i)++;
        } else {
            *(int *)f->value = 1;
        }
        return 0;
    case NK_FLAG_STRING:
    case NK_FLAG_STRINGS:
    case NK_FLAG_INT:
        break;
    }
    if (value == NULL) {
        if (*i + 1 >= argc)
            return nk_err(err, 0, "flag needs an argument: -%.*s", typed_len, typed);
        value = argv[++(*i)];
    }
    if (f->type == NK_FLAG_STRING) {
        *(const char **)f->value = value;
        return 0;
    }
    if (f->type == NK_FLAG_STRINGS) {
        nk_strlist *l = f->value;
        l->v = xrealloc(l->v, (l->n + 1) * sizeof(char *));
        l->v[l->n++] = value;
        return 0;
    }
    if (parse_int(value, (int *)f->value) < 0)
        return nk_err(err, 0, "invalid value \"%s\" for flag -%.*s: parse error", value, typed_len,
                      typed);
    return 0;
}

static int check_count(const nk_command *cmd, int n, nk_error **err)
{
    if (cmd->min_args == cmd->max_args && n != cmd->min_args)
        return nk_err(err, 0, "\"%s\" requires exactly %d argument(s)", cmd->name, cmd->min_args);
    if (n < cmd->min_args)
        return nk_err(err, 0, "\"%s\" requires a minimum of %d argument(s)", cmd->name,
                      cmd->min_args);
    if (cmd->max_args >= 0 && n > cmd->max_args)
        return nk_err(err, 0, "\"%s\" requires a maximum of %d argument(s)", cmd->name,
                      cmd->max_args);
    return 0;
}

int nk_args_parse(const nk_command *cmd, const nk_flag *flags, int argc, char **argv, nk_args *out,
                  nk_error **err)
{
    bool stop_at_positional = cmd == NULL || cmd->stop_at_positional;
    bool flags_done = false, seen_positional = false;
    _cleanup_free_ char **pos = xcalloc((size_t)argc + 1, sizeof(char *));
    int npos = 0;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (flags_done || arg[0] != '-' || arg[1] == '\0') {
            pos[npos++] = argv[i];
            seen_positional = true;
            if (stop_at_positional)
                flags_done = true;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            flags_done = true;
            continue;
        }
        const char *name = arg + (arg[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        const nk_flag *f = NULL;
        bool bad_syntax = len == 0 || name[0] == '-' || name[0] == '=';
        if (!bad_syntax)
            f = find_flag(flags, name, len);
        /* After a positional, only the command's own flags are taken; the
         * rest stay arguments (urfave/cli's argument reordering). */
        if (seen_positional && (f == NULL || bad_syntax)) {
            pos[npos++] = argv[i];
            continue;
        }
        if (bad_syntax)
            return nk_err(err, 0, "bad flag syntax: %s", arg);
        if (f == NULL && is_help(name, len)) {
            if (cmd != NULL)
                nk_args_print_usage(stdout, cmd, flags);
            return NK_ARGS_HELP;
        }
        if (f == NULL)
            return nk_err(err, 0, "flag provided but not defined: -%.*s", (int)len, name);
        if (set_flag(f, name, (int)len, eq != NULL ? eq + 1 : NULL, argc, argv, &i, err) < 0)
            return -1;
    }
    if (cmd != NULL && check_count(cmd, npos, err) < 0)
        return -1;
    out->v = NK_TAKE_PTR(pos);
    out->n = npos;
    return 0;
}

static char *flag_label(const nk_flag *f)
{
    const char *v = f->value_name != NULL ? f->value_name : "value";
    bool takes = f->type == NK_FLAG_STRING || f->type == NK_FLAG_STRINGS || f->type == NK_FLAG_INT;
    if (f->alias == NULL)
        return takes ? xasprintf("--%s %s", f->name, v) : xasprintf("--%s", f->name);
    const char *ad = strlen(f->alias) == 1 ? "-" : "--";
    return takes ? xasprintf("--%s %s, %s%s %s", f->name, v, ad, f->alias, v)
                 : xasprintf("--%s, %s%s", f->name, ad, f->alias);
}

void nk_args_print_usage(FILE *f, const nk_command *cmd, const nk_flag *flags)
{
    const char *usage = cmd->args_usage != NULL ? cmd->args_usage : "";
    fprintf(f, "NAME:\n   nook %s - %s\n\nUSAGE:\n   nook %s%s%s%s\n", cmd->name, cmd->summary,
            cmd->name, flags != NULL && flags[0].name != NULL ? " [command options]" : "",
            usage[0] != '\0' ? " " : "", usage);
    if (cmd->description != NULL)
        fprintf(f, "\nDESCRIPTION:\n%s\n", cmd->description);

    size_t width = strlen("--help, -h");
    for (const nk_flag *fl = flags; fl != NULL && fl->name != NULL; fl++) {
        if (fl->help == NULL)
            continue;
        _cleanup_free_ char *label = flag_label(fl);
        if (strlen(label) > width)
            width = strlen(label);
    }
    fprintf(f, "\nOPTIONS:\n");
    for (const nk_flag *fl = flags; fl != NULL && fl->name != NULL; fl++) {
        if (fl->help == NULL)
            continue;
        _cleanup_free_ char *label = flag_label(fl);
        fprintf(f, "   %-*s  %s\n", (int)width, label, fl->help);
    }
    fprintf(f, "   %-*s  %s\n", (int)width, "--help, -h", "show help");
}
