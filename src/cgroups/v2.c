/* The cgroup v2 driver: one tree, controllers enabled top-down through
 * cgroup.subtree_control, device rules as an eBPF filter. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/resources.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static bool word_in(const char *list, const char *w)
{
    size_t len = strlen(w);
    for (const char *p = list; (p = strstr(p, w)) != NULL; p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

/* Enable every controller a parent has for its children, from the root down
 * to the container's parent: containerd and podman expect all of them. */
static int enable_controllers(const nk_cg_layout *l, const char *path, nk_error **err)
{
    _cleanup_free_ char *dir = xstrdup(l->unified);
    _cleanup_free_ char *rest = xstrdup(path);
    char *save = NULL;
    char *comp = strtok_r(rest, "/", &save);
    while (comp != NULL) {
        char *next = strtok_r(NULL, "/", &save);
        _cleanup_free_ char *avail = NULL, *enabled = NULL;
        if (nk_cg_read(dir, "cgroup.controllers", &avail, err) < 0 ||
            nk_cg_read(dir, "cgroup.subtree_control", &enabled, err) < 0)
            return -1;
        char *s2 = NULL;
        for (char *c = strtok_r(avail, " ", &s2); c; c = strtok_r(NULL, " ", &s2)) {
            if (word_in(enabled, c))
                continue; /* the usual case: each write costs a cgroup_mutex round */
            _cleanup_free_ char *plus = xasprintf("+%s", c);
            nk_error *e = NULL;
            /* a parent with processes of its own refuses (EBUSY): the
             * controller then is missing below, which the caller reports */
            if (nk_cg_write(dir, "cgroup.subtree_control", plus, &e) < 0)
                nk_error_free(e);
        }
        char *child = xasprintf("%s/%s", dir, comp);
        free(dir);
        dir = child;
        comp = next;
    }
    return 0;
}

static int check_controllers(const char *dir, const oci_resources *r, nk_error **err)
{
    _cleanup_free_ char *have = NULL;
    if (nk_cg_read(dir, "cgroup.controllers", &have, err) < 0)
        return -1;
    const char *const *need = nk_cg_needed_v2(r);
    for (size_t i = 0; need[i] != NULL; i += 2) {
        if (!word_in(have, need[i]))
            return nk_err(err, ENOTSUP, "%s: the %s cgroup controller is not available in `%s`",
                          need[i + 1], need[i], dir);
    }
    return 0;
}

static int v2_create(const nk_cg_layout *l, const char *path, const oci_resources *r, bool *created,
                     nk_error **err)
{
    if (nk_cg_mkdir_p(l->unified, path, created, err) < 0)
        return -1;
    _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
    if (enable_controllers(l, path, err) < 0 || check_controllers(dir, r, err) < 0) {
        if (*created) {
            rmdir(dir);
            *created = false;
        }
        return -1;
    }
    return 0;
}

static int v2_apply(const nk_cg_layout *l, const char *path, const nk_cg_apply *a, nk_error **err)
{
    _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
    if (nk_cg_apply_v2(dir, a, err) < 0)
        return -1;
    if (a->rules != NULL && nk_cg_devices_bpf(dir, a->rules, a->n_rules, err) < 0)
        return -1;
    return 0;
}

static int v2_destroy(const nk_cg_layout *l, const char *path, nk_error **err)
{
    _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
    return nk_cg_rmdir_tree(dir, err);
}

const nk_cg_driver nk_cg_driver_v2 = {
    .name = "v2",
    .create = v2_create,
    .apply = v2_apply,
    .destroy = v2_destroy,
};
