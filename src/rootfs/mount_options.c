/* The OCI mount "options" list → mount(2) flags, propagation and data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs/internal.h"
#include "util/xalloc.h"

typedef struct flag_opt {
    const char *name;
    bool clear; /* the option turns the flag off */
    unsigned long flag;
} flag_opt;

static const flag_opt flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"suid", true, MS_NOSUID},
    {"nosuid", false, MS_NOSUID},
    {"dev", true, MS_NODEV},
    {"nodev", false, MS_NODEV},
    {"exec", true, MS_NOEXEC},
    {"noexec", false, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
};

typedef struct prop_opt {
    const char *name;
    unsigned long flag;
} prop_opt;

static const prop_opt prop_opts[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* The recursive forms act on the whole mount tree through mount_setattr(2)
 * with AT_RECURSIVE: a bind remount only ever changes the top mount. */
typedef struct rec_opt {
    const char *name;
    uint64_t set, clr;
} rec_opt;

#define ATIME(mode) (mode), MOUNT_ATTR__ATIME
static const rec_opt rec_opts[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    /* The kernel takes one atime mode at a time, replacing the old one. */
    {"rrelatime", ATIME(MOUNT_ATTR_RELATIME)},
    {"rnorelatime", ATIME(MOUNT_ATTR_STRICTATIME)},
    {"rnoatime", ATIME(MOUNT_ATTR_NOATIME)},
    {"ratime", ATIME(MOUNT_ATTR_RELATIME)},
    {"rstrictatime", ATIME(MOUNT_ATTR_STRICTATIME)},
    {"rnostrictatime", ATIME(MOUNT_ATTR_RELATIME)},
};
#undef ATIME

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void data_append(char **data, const char *opt)
{
    if (*data == NULL) {
        *data = xstrdup(opt);
        return;
    }
    char *joined = xasprintf("%s,%s", *data, opt);
    free(*data);
    *data = joined;
}

static bool parse_flag(const char *opt, nk_mount_opts *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++) {
        if (strcmp(opt, flag_opts[i].name) != 0)
            continue;
        if (flag_opts[i].clear) {
            out->flags &= ~flag_opts[i].flag;
            out->clear |= flag_opts[i].flag;
        } else {
            out->flags |= flag_opts[i].flag;
            out->clear &= ~flag_opts[i].flag;
        }
        if (flag_opts[i].flag & MS_BIND)
            out->bind = true;
        return true;
    }
    return false;
}

static bool parse_recursive(const char *opt, nk_mount_opts *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(rec_opts); i++) {
        if (strcmp(opt, rec_opts[i].name) != 0)
            continue;
        if (rec_opts[i].clr & MOUNT_ATTR__ATIME)
            out->rec_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
        out->rec_set = (out->rec_set & ~rec_opts[i].clr) | rec_opts[i].set;
        out->rec_clr = (out->rec_clr & ~rec_opts[i].set) | rec_opts[i].clr;
        return true;
    }
    return false;
}

/* Options of nook's own (not mount(2)'s): copy-up and idmapped mounts. */
static bool parse_special(const char *opt, nk_mount_opts *out)
{
    if (strcmp(opt, "tmpcopyup") == 0)
        out->tmpcopyup = true;
    else if (strcmp(opt, "idmap") == 0)
        out->idmap = NK_IDMAP_TOP;
    else if (strcmp(opt, "ridmap") == 0)
        out->idmap = NK_IDMAP_RECURSIVE;
    else
        return false;
    return true;
}

static int parse_propagation(const char *opt, nk_mount_opts *out, const char *what, bool *found,
                             nk_error **err)
{
    *found = false;
    for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++) {
        if (strcmp(opt, prop_opts[i].name) != 0)
            continue;
        *found = true;
        if (out->n_propagation == NK_MAX_PROPAGATION)
            return nk_err(err, 0, "%s: too many propagation options", what);
        out->propagation[out->n_propagation++] = prop_opts[i].flag;
        return 0;
    }
    return 0;
}

int nk_mount_opts_parse(const oci_strv *options, const char *what, nk_mount_opts *out,
                        nk_error **err)
{
    *out = (nk_mount_opts){0};
    for (size_t i = 0; i < options->len; i++) {
        const char *opt = options->v[i];
        if (parse_flag(opt, out) || parse_recursive(opt, out) || parse_special(opt, out))
            continue;
        bool found;
        if (parse_propagation(opt, out, what, &found, err) < 0) {
            nk_mount_opts_free(out);
            return -1;
        }
        if (!found)
            data_append(&out->data, opt);
    }
    return 0;
}

bool nk_mount_option_known(const char *opt)
{
    nk_mount_opts o = {0};
    bool found = false;
    if (parse_flag(opt, &o) || parse_recursive(opt, &o) || parse_special(opt, &o))
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++)
        found |= strcmp(opt, prop_opts[i].name) == 0;
    return found;
}

void nk_mount_option_names(void (*fn)(const char *name, void *arg), void *arg)
{
    for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
        fn(flag_opts[i].name, arg);
    for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++)
        fn(prop_opts[i].name, arg);
    for (size_t i = 0; i < ARRAY_SIZE(rec_opts); i++)
        fn(rec_opts[i].name, arg);
    fn("tmpcopyup", arg);
    fn("idmap", arg);
    fn("ridmap", arg);
}

void nk_mount_opts_free(nk_mount_opts *o)
{
    free(o->data);
    o->data = NULL;
}

int nk_propagation_parse(const char *name, unsigned long *out, nk_error **err)
{
    for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++)
        if (strcmp(name, prop_opts[i].name) == 0) {
            *out = prop_opts[i].flag;
            return 0;
        }
    *out = 0;
    return nk_err(err, 0, "config.json: linux.rootfsPropagation: unknown propagation \"%s\"", name);
}
