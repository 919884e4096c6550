/* Which cgroup layout the host has and where each controller is mounted.
 *
 * The mode comes from statfs(): /sys/fs/cgroup itself being cgroup2 means a
 * pure v2 host, and then everything nook needs is in the root's
 * cgroup.controllers, so libcgroup is not used on that path: its
 * cgroup_init() rescans /proc/mounts and /proc/cgroups and costs ~0.8-1.7 ms
 * and ~900 KiB of peak RSS per invocation (measured on the 2-core dev host),
 * more than all of nook's cgroup work on v2.
 *
 * On v1/hybrid hosts libcgroup discovers which controllers are mounted where
 * (co-mounted ones included), once: the result is kept in the state root as
 * <root>/.cgroup-layout (layout_cache.c) and later commands take it from
 * there while it is still true of the host: its key, the
 * subsystem/hierarchy/enabled columns of /proc/cgroups, is unchanged and every
 * cached mount point is still the same cgroup v1 mount. A missing, foreign,
 * stale or unparsable file means discovering again and rewriting it. main()
 * names the root (nk_cgroup_set_state_root); without one, or when it is not
 * writable, every command discovers. The cgroup2 side of a hybrid host
 * (cgroup.controllers) is read live: one small file. */
#include <errno.h>
#include <libcgroup.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroups/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/in_child.h"
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

static int discover_v1(nk_cg_layout *l, nk_error **err)
{
    int rc = cgroup_init();
    if (rc != 0) {
        /* its text reads "Success" when a system call failed (EMFILE...) */
        if (rc == ECGOTHER)
            return nk_err(err, cgroup_get_last_errno() ? cgroup_get_last_errno() : errno,
                          "cgroup layout: libcgroup");
        return nk_err(err, 0, "cgroup layout: libcgroup: %s", cgroup_strerror(rc));
    }
    void *h = NULL;
    struct cgroup_mount_point mp;
    for (rc = cgroup_get_controller_begin(&h, &mp); rc == 0;
         rc = cgroup_get_controller_next(&h, &mp)) {
        /* v2 controllers on a hybrid host are reported at the cgroup2 mount */
        if (is_fs(mp.path, CGROUP2_SUPER_MAGIC))
            continue;
        hier_add(hier_for(l, mp.path), mp.name);
    }
    cgroup_get_controller_end(&h);
    if (rc != ECGEOF)
        return nk_err(err, 0, "cgroup layout: libcgroup: %s", cgroup_strerror(rc));
    return 0;
}

/* In a child (util/in_child.h): cgroup_init() clears and fills ~0.8 MiB of
 * static tables that would otherwise stay resident in nook. The answer is,
 * per hierarchy, its mount and its controllers, each NUL-terminated, then an
 * empty string. */
static int discover_child(void *arg, void **out, size_t *len, nk_error **err)
{
    nk_cg_layout l = {0};
    if (discover_v1(&l, err) < 0)
        return -1;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f == NULL)
        return nk_err(err, errno, "cgroup layout: open_memstream");
    for (size_t i = 0; i < l.n_hiers; i++) {
        fwrite(l.hiers[i].mount, 1, strlen(l.hiers[i].mount) + 1, f);
        for (char **c = l.hiers[i].ctrls; *c; c++)
            fwrite(*c, 1, strlen(*c) + 1, f);
        fputc('\0', f);
    }
    if (fclose(f) != 0)
        return nk_err(err, errno, "cgroup layout: write");
    *out = buf;
    *len = n;
    return 0;
}

static int discover_v1_in_child(nk_cg_layout *l, nk_error **err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    if (nk_run_in_child("cgroup layout", discover_child, NULL, (void **)&buf, &len, err) < 0)
        return -1;
    /* buf[len] is a NUL too: every strlen below stays inside */
    for (size_t at = 0; at < len;) {
        nk_cg_hier *h = hier_for(l, buf + at);
        at += strlen(buf + at) + 1;
        for (; at < len && buf[at] != '\0'; at += strlen(buf + at) + 1)
            hier_add(h, buf + at);
        if (at >= len || h->ctrls[0] == NULL)
            return nk_err(err, 0, "cgroup layout: a malformed answer from the child");
        at++;
    }
    return 0;
}

/* The v1 hierarchies: from the cache when it is still valid, else from
 * libcgroup (then cached). The key is read before discovering, so a change
 * racing with discovery makes the saved key stale, not the layout. */
static int v1_layout(nk_cg_layout *l, nk_error **err)
{
    _cleanup_free_ char *proc = NULL, *key = NULL;
    _cleanup_error_ nk_error *ignored = NULL;
    if (state_root != NULL && nk_read_file("/proc/cgroups", &proc, NULL, &ignored) == 0)
        key = nk_cg_layout_key(proc);
    if (key != NULL && nk_cg_layout_cache_load(state_root, key, l) == 0)
        return 0;
    if (discover_v1_in_child(l, err) < 0)
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
