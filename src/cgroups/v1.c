/* The cgroup v1 driver (also for hybrid hosts): one directory per mounted
 * hierarchy, plus one in the cgroup2 mount of a hybrid host, so that every
 * controller the host has sees the container. No CLONE_INTO_CGROUP: the
 * caller writes cgroup.procs before the child runs. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "cgroups/resources.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* A new cpuset cgroup starts with empty cpus/mems and refuses tasks until
 * they are set: copy the parent's into each level nook created. */
static int cpuset_inherit(const char *mount, const char *path, nk_error **err)
{
    _cleanup_free_ char *dir = xstrdup(mount);
    _cleanup_free_ char *rest = xstrdup(path);
    char *save = NULL;
    for (char *c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        _cleanup_free_ char *child = xasprintf("%s/%s", dir, c);
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        for (size_t i = 0; i < 2; i++) {
            _cleanup_free_ char *mine = NULL, *parent = NULL;
            if (nk_cg_read(child, files[i], &mine, err) < 0)
                return -1;
            if (*mine != '\0')
                continue;
            if (nk_cg_read(dir, files[i], &parent, err) < 0 ||
                nk_cg_write(child, files[i], parent, err) < 0)
                return -1;
        }
        free(dir);
        dir = NK_TAKE_PTR(child);
    }
    return 0;
}

static int v1_destroy(const nk_cg_layout *l, const char *path, nk_error **err)
{
    int ret = 0;
    for (size_t i = 0; i < l->n_hiers; i++) {
        _cleanup_free_ char *dir = nk_cg_join(l->hiers[i].mount, path, NULL);
        if (nk_cg_rmdir_tree(dir, err) < 0)
            ret = -1;
    }
    if (l->unified != NULL) {
        _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
        if (nk_cg_rmdir_tree(dir, err) < 0)
            ret = -1;
    }
    return ret;
}

static int v1_create(const nk_cg_layout *l, const char *path, const oci_resources *r, bool *created,
                     nk_error **err)
{
    *created = false;
    for (size_t i = 0; i < l->n_hiers; i++) {
        bool made;
        if (nk_cg_mkdir_p(l->hiers[i].mount, path, &made, err) < 0)
            goto fail;
        *created = *created || made;
        if (nk_cg_v1_mount(l, "cpuset") == l->hiers[i].mount &&
            cpuset_inherit(l->hiers[i].mount, path, err) < 0)
            goto fail;
    }
    if (l->unified != NULL) {
        bool made;
        if (nk_cg_mkdir_p(l->unified, path, &made, err) < 0)
            goto fail;
        *created = *created || made;
    }
    return 0;
fail:
    if (*created) {
        nk_error *ignored = NULL;
        v1_destroy(l, path, &ignored);
        nk_error_free(ignored);
        *created = false;
    }
    return -1;
}

static int v1_apply(const nk_cg_layout *l, const char *path, const nk_cg_apply *a, nk_error **err)
{
    if (nk_cg_apply_v1(l, path, a, err) < 0)
        return -1;
    if (a->rules == NULL)
        return 0;
    const char *m = nk_cg_v1_mount(l, "devices");
    if (m == NULL)
        return nk_err(err, ENOTSUP,
                      "linux.resources.devices: the devices cgroup controller is not available on "
                      "this host");
    _cleanup_free_ char *dir = nk_cg_join(m, path, NULL);
    return nk_cg_devices_v1(dir, a->rules, a->n_rules, err);
}

const nk_cg_driver nk_cg_driver_v1 = {
    .name = "v1",
    .create = v1_create,
    .apply = v1_apply,
    .destroy = v1_destroy,
};
