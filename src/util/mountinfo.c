#include "util/mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

/* The kernel writes space, tab, newline and backslash as \ooo octal. */
static char *unescape(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *w = out;
    for (const char *r = s; *r != '\0'; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return out;
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int parse_line(char *line, nk_mountinfo *m)
{
    char *save = NULL, *f[6];
    for (int i = 0; i < 6; i++) {
        f[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
        if (f[i] == NULL)
            return -1;
    }
    char *optional = xstrdup("");
    char *tok;
    while ((tok = strtok_r(NULL, " ", &save)) != NULL && strcmp(tok, "-") != 0) {
        char *joined = optional[0] ? xasprintf("%s %s", optional, tok) : xstrdup(tok);
        free(optional);
        optional = joined;
    }
    char *fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
    char *source = fstype ? strtok_r(NULL, " ", &save) : NULL;
    char *super = source ? strtok_r(NULL, " ", &save) : NULL;
    if (super == NULL) {
        free(optional);
        return -1;
    }
    *m = (nk_mountinfo){
        .root = unescape(f[3]),
        .mountpoint = unescape(f[4]),
        .optional = optional,
        .fstype = xstrdup(fstype),
        .source = unescape(source),
        .super_opts = xstrdup(super),
    };
    return 0;
}

void nk_mountinfo_parse(char *text, nk_mountinfo **out, size_t *n)
{
    nk_mountinfo *list = NULL;
    size_t len = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        nk_mountinfo m;
        if (parse_line(line, &m) < 0)
            continue;
        list = xreallocarray(list, len + 1, sizeof(*list));
        list[len++] = m;
    }
    *out = list;
    *n = len;
}

int nk_mountinfo_read(nk_mountinfo **out, size_t *n, nk_error **err)
{
    _cleanup_free_ char *text = NULL;
    if (nk_read_file("/proc/self/mountinfo", &text, NULL, err) < 0)
        return nk_err_wrap(err, "read `/proc/self/mountinfo`");
    nk_mountinfo_parse(text, out, n);
    return 0;
}

void nk_mountinfo_free(nk_mountinfo *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].root);
        free(m[i].mountpoint);
        free(m[i].optional);
        free(m[i].fstype);
        free(m[i].source);
        free(m[i].super_opts);
    }
    free(m);
}
