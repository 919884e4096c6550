/* /proc/self/mountinfo, the fields rootfs setup and cgroup discovery need. */
#ifndef NOOK_UTIL_MOUNTINFO_H
#define NOOK_UTIL_MOUNTINFO_H

#include <stddef.h>

#include "util/error.h"

typedef struct nk_mountinfo {
    char *root;       /* of the filesystem, the bound subtree; unescaped */
    char *mountpoint; /* unescaped */
    char *optional;   /* "shared:1 master:2", "" when none */
    char *fstype;
    char *source;
    char *super_opts;
} nk_mountinfo;

int nk_mountinfo_read(nk_mountinfo **out, size_t *n, nk_error **err);
/* The same from mountinfo's text (consumed); lines that don't parse are
 * skipped. */
void nk_mountinfo_parse(char *text, nk_mountinfo **out, size_t *n);
void nk_mountinfo_free(nk_mountinfo *m, size_t n);

#endif
