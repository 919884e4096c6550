/* Which cgroup layout the host has and where each controller is mounted.
 *
 * The mode comes from statfs(): /sys/fs/cgroup itself being cgroup2 means a
 * pure v2 host, and then everything nook needs is in the root's
 * cgroup.controllers.
 *
 * On v1/hybrid hosts the v1 controllers' mounts come from
 * /proc/self/mountinfo and /proc/cgroups (co-mounted ones included), once:
 * the result is kept in the state root as <root>/.cgroup-layout
 * (layout_cache.c) and later commands take it from there while it is still
 * true of the host: its key, the subsystem/hierarchy/enabled columns of
 * /proc/cgroups, is unchanged and every cached mount point is still the same
 * cgroup v1 mount. A missing, foreign, stale or unparsable file means
 * discovering again and rewriting it. main() names the root
 * (nk_cgroup_set_state_root); without one, or when it is not writable, every
 * command discovers. The cgroup2 side of a hybrid host (cgroup.controllers)
 * is read live: one small file. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mountinfo.h"
#include "util/xalloc.h"

#define CG_ROOT "/sys/fs/cgroup"

static char *state_root; /* where the layout cache lives; NULL: no cache */

void nk_cgroup_set_state_root(const char *root)
{
    free(state_root);
    state_root = root != NULL ? xstrdup(root) : NULL;
    nk_cg_layout_forget();
}

static bool is_fs(const char *path, long magic)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

static char **split_words(char *s)
{
    size_t n = 0;
    char **v = xcalloc(1, sizeof(char *));
    char *save = NULL;
    for (char *w = strtok_r(s, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
        v = xreallocarray(v, n + 2, sizeof(char *));
        v[n++] = xstrdup(w);
        v[n] = NULL;
    }
    return v;
}

static int read_v2_ctrls(nk_cg_layout *l, nk_error **err)
{
    _cleanup_free_ char *s = NULL;
    if (nk_cg_read(l->unified, "cgroup.controllers", &s, err) < 0)
        return -1;
    l->v2_ctrls = split_words(s);
    return 0;
}

static nk_cg_hier *hier_for(nk_cg_layout *l, const char *mount)
{
    for (size_t i = 0; i < l->n_hiers; i++)
        if (strcmp(l->hiers[i].mount, mount) == 0)
            return &l->hiers[i];
    l->hiers = xreallocarray(l->hiers, l->n_hiers + 1, sizeof(nk_cg_hier));
    nk_cg_hier *h = &l->hiers[l->n_hiers++];
    h->mount = xstrdup(mount);
    h->ctrls = xcalloc(1, sizeof(char *));
    return h;
}

static void hier_add(nk_cg_hier *h, const char *ctrl)
{
    size_t n = 0;
    while (h->ctrls[n] != NULL)
        n++;
    h->ctrls = xreallocarray(h->ctrls, n + 2, sizeof(char *));
    h->ctrls[n] = xstrdup(ctrl);
    h->ctrls[n + 1] = NULL;
}

/* opt is one of opts' comma-separated options, whole. */
static bool has_opt(const char *opts, const char *opt)
{
    size_t len = strlen(opt);
    for (const char *p = opts;; p++) {
        if (strncmp(p, opt, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
        if ((p = strchr(p, ',')) == NULL)
            return false;
    }
}

int nk_cg_v1_hiers_find(const char *proc_cgroups, const nk_mountinfo *m, size_t n, nk_cg_layout *l,
                        nk_error **err)
{
    /* the subsystems, in /proc/cgroups' order (a hierarchy lists its
     * controllers in it): each line's first word, under a "#" header */
    _cleanup_free_ char *copy = xstrdup(proc_cgroups);
    _cleanup_strv_ char **names = xcalloc(1, sizeof(char *));
    size_t n_names = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strcspn(line, " \t");
        line[len] = '\0';
        bool dup = false; /* never in a real /proc/cgroups; found once even so */
        for (size_t k = 0; k < n_names && !dup; k++)
            dup = strcmp(names[k], line) == 0;
        if (line[0] == '#' || len == 0 || dup)
            continue;
        names = xreallocarray(names, n_names + 2, sizeof(char *));
        names[n_names++] = xstrdup(line);
        names[n_names] = NULL;
    }
    if (n_names == 0)
        return nk_err(err, 0, "cgroup layout: `/proc/cgroups` lists no controller");
    _cleanup_free_ bool *found = xcalloc(n_names, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].fstype, "cgroup") != 0)
            continue; /* cgroup2's controllers are read from cgroup.controllers */
        for (size_t c = 0; c < n_names; c++)
            if (!found[c] && has_opt(m[i].super_opts, names[c])) {
                hier_add(hier_for(l, m[i].mountpoint), names[c]);
                found[c] = true;
            }
    }
    if (l->n_hiers == 0 && l->unified == NULL)
        return nk_err(err, 0, "cgroup layout: no cgroup v1 controller is mounted and no cgroup2");
    return 0;
}

/* From the mount table and /proc/cgroups, as libcgroup's cgroup_init() finds
 * them, without libcgroup: cgroup_init() clears ~0.8 MiB of static tables
 * on every call (the whole first run then peaked at 2.1-2.3 MiB on this
 * hybrid host, forking for it) and takes ~1 ms; this takes one read of
 * mountinfo. tests/unit/test_cgroup_layout.c compares the two on the host. */
static int discover_v1(const char *proc_cgroups, nk_cg_layout *l, nk_error **err)
{
    nk_mountinfo *m = NULL;
    size_t n = 0;
    if (nk_mountinfo_read(&m, &n, err) < 0)
        return nk_err_wrap(err, "cgroup layout");
    int rc = nk_cg_v1_hiers_find(proc_cgroups, m, n, l, err);
    nk_mountinfo_free(m, n);
    return rc;
}

/* The v1 hierarchies: from the cache when it is still valid, else
 * discovered (then cached). The key is read before discovering, so a change
 * racing with discovery makes the saved key stale, not the layout. */
static int v1_layout(nk_cg_layout *l, nk_error **err)
{
    _cleanup_free_ char *proc = NULL, *key = NULL;
    if (nk_read_file("/proc/cgroups", &proc, NULL, err) < 0)
        return nk_err_wrap(err, "cgroup layout");
    if (state_root != NULL)
        key = nk_cg_layout_key(proc);
    if (key != NULL && nk_cg_layout_cache_load(state_root, key, l) == 0)
        return 0;
    if (discover_v1(proc, l, err) < 0)
        return -1;
    if (key != NULL)
        nk_cg_layout_cache_save(state_root, key, l);
    return 0;
}

static char **strv_dup(char **v)
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    char **out = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

static void layout_copy(nk_cg_layout *dst, const nk_cg_layout *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->mode = src->mode;
    dst->unified = src->unified ? xstrdup(src->unified) : NULL;
    dst->v2_ctrls = src->v2_ctrls ? strv_dup(src->v2_ctrls) : NULL;
    dst->n_hiers = src->n_hiers;
    dst->hiers = src->n_hiers ? xcalloc(src->n_hiers, sizeof(nk_cg_hier)) : NULL;
    for (size_t i = 0; i < src->n_hiers; i++) {
        dst->hiers[i].mount = xstrdup(src->hiers[i].mount);
        dst->hiers[i].ctrls = strv_dup(src->hiers[i].ctrls);
    }
}

static int layout_discover(nk_cg_layout *l, nk_error **err);

/* One command is a few milliseconds: the layout it found first holds for
 * the rest of it (`list` asks once per container). */
static nk_cg_layout memo;
static bool memo_set;

int nk_cg_layout_get(nk_cg_layout *l, nk_error **err)
{
    if (!memo_set) {
        if (layout_discover(&memo, err) < 0) {
            nk_cg_layout_clear(&memo);
            return -1;
        }
        memo_set = true;
    }
    layout_copy(l, &memo);
    return 0;
}

bool nk_cg_host_unified(void)
{
    return memo_set ? memo.mode == NK_CG_UNIFIED : is_fs(CG_ROOT, CGROUP2_SUPER_MAGIC);
}

/* Tests and a new state root: the next lookup starts afresh. */
void nk_cg_layout_forget(void)
{
    nk_cg_layout_clear(&memo);
    memo_set = false;
}

static int layout_discover(nk_cg_layout *l, nk_error **err)
{
    memset(l, 0, sizeof(*l));
    if (is_fs(CG_ROOT, CGROUP2_SUPER_MAGIC)) {
        l->mode = NK_CG_UNIFIED;
        l->unified = xstrdup(CG_ROOT);
        return read_v2_ctrls(l, err);
    }
    if (!is_fs(CG_ROOT, TMPFS_MAGIC) && !is_fs(CG_ROOT, CGROUP_SUPER_MAGIC))
        return nk_err(err, 0, "cgroup layout: no cgroup filesystem mounted at `%s`", CG_ROOT);
    l->mode = NK_CG_LEGACY;
    if (is_fs(CG_ROOT "/unified", CGROUP2_SUPER_MAGIC)) {
        l->mode = NK_CG_HYBRID;
        l->unified = xstrdup(CG_ROOT "/unified");
        if (read_v2_ctrls(l, err) < 0)
            return -1;
    }
    return v1_layout(l, err);
}

void nk_cg_layout_clear(nk_cg_layout *l)
{
    free(l->unified);
    nk_strv_free(l->v2_ctrls);
    for (size_t i = 0; i < l->n_hiers; i++) {
        free(l->hiers[i].mount);
        nk_strv_free(l->hiers[i].ctrls);
    }
    free(l->hiers);
    memset(l, 0, sizeof(*l));
}

const char *nk_cg_v1_mount(const nk_cg_layout *l, const char *ctrl)
{
    for (size_t i = 0; i < l->n_hiers; i++)
        for (char **c = l->hiers[i].ctrls; *c; c++)
            if (strcmp(*c, ctrl) == 0)
                return l->hiers[i].mount;
    return NULL;
}

bool nk_cg_v2_has(const nk_cg_layout *l, const char *ctrl)
{
    for (char **c = l->v2_ctrls; c && *c; c++)
        if (strcmp(*c, ctrl) == 0)
            return true;
    return false;
}

const nk_cg_driver *nk_cg_driver_for(const nk_cg_layout *l)
{
    return l->mode == NK_CG_UNIFIED ? &nk_cg_driver_v2 : &nk_cg_driver_v1;
}
