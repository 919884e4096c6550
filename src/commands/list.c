/* `nook list`: the containers under --root, as a table, JSON or bare ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/args.h"
#include "container.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define NCOLS 6

/* Go's text/tabwriter as runc sets it up (minwidth 12, padding 3, spaces):
 * scripts parse the columns by position, so the layout matches runc's. */
#define TAB_MINWIDTH 12
#define TAB_PADDING  3

static size_t display_width(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* fputs and putc, not printf("%s%*s"): with 100 containers the format
 * parsing was 6% of `nook list`'s instructions (tests/bench/README.md). */
static void print_row(char *const cells[NCOLS], const size_t widths[NCOLS])
{
    for (int c = 0; c < NCOLS - 1; c++) {
        fputs(cells[c], stdout);
        for (size_t pad = widths[c] - display_width(cells[c]); pad > 0; pad--)
            putchar_unlocked(' ');
    }
    fputs(cells[NCOLS - 1], stdout);
    putchar_unlocked('\n');
}

static void print_table(nk_state *const *states, size_t n)
{
    static const char *const header[NCOLS] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
    char *(*rows)[NCOLS] = xcalloc(n + 1, sizeof(*rows));
    for (int c = 0; c < NCOLS; c++)
        rows[0][c] = xstrdup(header[c]);
    for (size_t i = 0; i < n; i++) {
        const nk_state *s = states[i];
        char **r = rows[i + 1];
        r[0] = xstrdup(s->id != NULL ? s->id : "");
        r[1] = xasprintf("%d", (int)s->pid);
        r[2] = xstrdup(s->status != NULL ? s->status : "");
        r[3] = xstrdup(s->bundle != NULL ? s->bundle : "");
        r[4] = xstrdup(s->created != NULL ? s->created : "");
        r[5] = xstrdup(s->owner != NULL ? s->owner : "");
    }
    size_t widths[NCOLS] = {0};
    for (int c = 0; c < NCOLS; c++) {
        widths[c] = TAB_MINWIDTH;
        for (size_t i = 0; i <= n; i++) {
            size_t w = display_width(rows[i][c]) + TAB_PADDING;
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (size_t i = 0; i <= n; i++) {
        print_row(rows[i], widths);
        for (int c = 0; c < NCOLS; c++)
            free(rows[i][c]);
    }
    free(rows);
}

static void free_states(nk_state **states, size_t n)
{
    for (size_t i = 0; i < n; i++)
        nk_state_free(states[i]);
    free(states);
}

static int cmd_list(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const char *format = "table";
    bool quiet = false;
    const nk_flag flags[] = {
        {"format", "f", NK_FLAG_STRING, &format, NULL, "table or json (default: \"table\")"},
        {"quiet", "q", NK_FLAG_BOOL, &quiet, NULL, "print only the container ids"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    bool json = strcmp(format, "json") == 0;
    if (!quiet && !json && strcmp(format, "table") != 0)
        return nk_err(err, 0, "invalid format option");

    nk_state **states = NULL;
    size_t n = 0;
    if (nk_container_list(ctx, &states, &n, err) < 0)
        return -1;
    r = 0;
    if (quiet) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", states[i]->id);
    } else if (json) {
        _cleanup_free_ char *out = NULL;
        size_t len = 0;
        r = oci_state_list_to_json(states, n, &out, &len, err);
        if (r == 0) {
            fwrite(out, 1, len, stdout);
            if (len == 0 || out[len - 1] != '\n')
                fputc('\n', stdout);
        }
    } else {
        print_table(states, n);
    }
    free_states(states, n);
    return r < 0 ? -1 : 0;
}

const nk_command nk_cmd_list = {
    .name = "list",
    .summary = "list the containers under the state root",
    .args_usage = "",
    .description = "   Lists the containers whose state lives under the global --root directory\n"
                   "(default: \"/run/nook\"), e.g. `nook --root /run/other list --format json`.",
    .min_args = 0,
    .max_args = 0,
    .run = cmd_list,
};
