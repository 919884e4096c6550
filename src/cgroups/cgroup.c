/* The public cgroup interface: pick the driver for this host and run it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "util/fault.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Components must be plain names: "..", "." or "" could leave the tree. */
static int check_components(const char *p, const char *what, nk_error **err)
{
    for (const char *c = p; *c != '\0';) {
        size_t len = strcspn(c, "/");
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return nk_err(err, EINVAL, "%s: \"%s\" must not contain empty, \".\" or \"..\" parts",
                          what, p);
        c += len;
        if (*c == '/')
            c++;
        if (*c == '\0' && c[-1] == '/')
            return nk_err(err, EINVAL, "%s: \"%s\" must not end with \"/\"", what, p);
    }
    return 0;
}

int nk_cgroup_resolve_path(const char *cgroups_path, const char *id, char **out, nk_error **err)
{
    if (cgroups_path == NULL || *cgroups_path == '\0') {
        *out = xasprintf("/nook/%s", id);
        return 0;
    }
    /* "slice:prefix:name" is the systemd driver's syntax, not a path */
    if (strchr(cgroups_path, ':') != NULL)
        return nk_err(err, EINVAL,
                      "linux.cgroupsPath: \"%s\" is systemd syntax; nook has only the cgroupfs "
                      "driver",
                      cgroups_path);
    const char *rel = cgroups_path[0] == '/' ? cgroups_path + 1 : cgroups_path;
    if (*rel == '\0')
        return nk_err(err, EINVAL, "linux.cgroupsPath: the root cgroup cannot be a container's");
    if (check_components(rel, "linux.cgroupsPath", err) < 0)
        return -1;
    *out = xasprintf("/%s", rel);
    return 0;
}

static int check_sub(const char *sub, nk_error **err)
{
    if (sub == NULL || *sub == '\0')
        return 0;
    if (sub[0] == '/')
        return nk_err(err, EINVAL, "sub-cgroup \"%s\" must be relative", sub);
    return check_components(sub, "sub-cgroup", err);
}

static int open_for_write(const char *dir, const char *file, nk_error **err)
{
    _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
    int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0)
        return nk_err(err, errno, "open `%s`", p);
    return fd;
}

/* The fds are opened here, by the runtime: the kernel checks a migration
 * against the credentials the file was opened with, so a child that has
 * entered a user namespace can still move itself. */
static int join_open(const nk_cg_layout *l, const char *path, nk_cgroup_join *j, nk_error **err)
{
    memset(j, 0, sizeof(*j));
    j->clone_fd = j->v2_procs_fd = -1;
    int ret = 0;
    if (l->unified != NULL) {
        _cleanup_free_ char *dir = nk_cg_v2_dir(l, path);
        if ((j->clone_fd = nk_cg_open(dir, err)) < 0 ||
            (j->v2_procs_fd = open_for_write(dir, "cgroup.procs", err)) < 0)
            ret = -1;
    }
    if (ret == 0 && l->n_hiers > 0)
        j->tasks_fds = xcalloc(l->n_hiers, sizeof(int));
    for (size_t i = 0; ret == 0 && i < l->n_hiers; i++) {
        _cleanup_free_ char *dir = nk_cg_join(l->hiers[i].mount, path, NULL);
        if ((j->tasks_fds[i] = open_for_write(dir, "tasks", err)) < 0)
            ret = -1;
        else
            j->n_tasks++;
    }
    if (ret < 0)
        nk_cgroup_join_close(j);
    return ret;
}

int nk_cgroup_create(const oci_config *c, const char *id, nk_cgroup *cg, nk_error **err)
{
    memset(cg, 0, sizeof(*cg));
    cg->join.clone_fd = cg->join.v2_procs_fd = -1;
    if (nk_cgroup_resolve_path(c->linux.cgroups_path, id, &cg->path, err) < 0)
        return -1;
    nk_cg_layout *l = xzalloc(sizeof(*l));
    cg->private = l;
    static const oci_resources none;
    const oci_resources *r = c->linux.has_resources ? &c->linux.resources : &none;
    if (nk_cg_layout_get(l, err) < 0 || nk_cg_validate(l, r, "linux.resources", err) < 0)
        return -1;
    const nk_cg_driver *d = nk_cg_driver_for(l);
    if (d->create(l, cg->path, r, &cg->created, err) < 0)
        return -1;
    NK_FAULT_POINT("cgroup.after_mkdir");
    size_t n_rules = 0;
    _cleanup_free_ nk_cg_dev_rule *rules = nk_cg_dev_rules(c, r->devices, r->n_devices, &n_rules);
    nk_cg_apply a = {.r = r, .rules = rules, .n_rules = n_rules};
    if (d->apply(l, cg->path, &a, err) < 0 || join_open(l, cg->path, &cg->join, err) < 0) {
        if (cg->created) {
            nk_error *ignored = NULL;
            d->destroy(l, cg->path, &ignored);
            nk_error_free(ignored);
            cg->created = false;
        }
        return -1;
    }
    return 0;
}

void nk_cgroup_release(nk_cgroup *cg)
{
    free(cg->path);
    cg->path = NULL;
    nk_cgroup_join_close(&cg->join);
    if (cg->private != NULL) {
        nk_cg_layout_clear(cg->private);
        free(cg->private);
        cg->private = NULL;
    }
}

int nk_cgroup_destroy(const char *cgroup_path, nk_error **err)
{
    nk_cg_layout l;
    int ret = nk_cg_layout_get(&l, err);
    if (ret == 0)
        ret = nk_cg_driver_for(&l)->destroy(&l, cgroup_path, err);
    nk_cg_layout_clear(&l);
    return ret;
}

int nk_cgroup_join_open(const char *cgroup_path, const char *sub, nk_cgroup_join *j, nk_error **err)
{
    memset(j, 0, sizeof(*j));
    j->clone_fd = j->v2_procs_fd = -1;
    if (check_sub(sub, err) < 0)
        return -1;
    nk_cg_layout l;
    int ret = nk_cg_layout_get(&l, err);
    _cleanup_free_ char *p = nk_cg_join("", cgroup_path, sub);
    if (ret == 0)
        ret = join_open(&l, p, j, err);
    nk_cg_layout_clear(&l);
    return ret;
}

int nk_cgroup_join_self(nk_cgroup_join *j, bool cloned_in, nk_error **err)
{
    /* "0" is the writer itself: the kernel then moves one task and skips
     * the global threadgroup lock whose write side waits for an RCU grace
     * period (milliseconds) */
    for (size_t i = 0; i < j->n_tasks; i++)
        if (write(j->tasks_fds[i], "0", 1) < 0)
            return nk_err(err, errno, "join the container's cgroup (v1 hierarchy %zu)", i);
    if (!cloned_in && j->v2_procs_fd >= 0 && write(j->v2_procs_fd, "0", 1) < 0)
        return nk_err(err, errno, "join the container's cgroup (cgroup2)");
    nk_cgroup_join_close(j);
    return 0;
}

void nk_cgroup_join_close(nk_cgroup_join *j)
{
    nk_closep(&j->clone_fd);
    nk_closep(&j->v2_procs_fd);
    for (size_t i = 0; i < j->n_tasks; i++)
        nk_closep(&j->tasks_fds[i]);
    free(j->tasks_fds);
    j->tasks_fds = NULL;
    j->n_tasks = 0;
}

int nk_cgroup_update(const char *cgroup_path, const oci_resources *r, nk_error **err)
{
    nk_cg_layout l;
    int ret = nk_cg_layout_get(&l, err);
    if (ret == 0)
        ret = nk_cg_validate(&l, r, "linux.resources", err);
    if (ret == 0) {
        size_t n_rules = 0;
        _cleanup_free_ nk_cg_dev_rule *rules =
            nk_cg_dev_rules(NULL, r->devices, r->n_devices, &n_rules);
        nk_cg_apply a = {.r = r, .rules = rules, .n_rules = n_rules, .update = true};
        ret = nk_cg_driver_for(&l)->apply(&l, cgroup_path, &a, err);
    }
    nk_cg_layout_clear(&l);
    return ret;
}
