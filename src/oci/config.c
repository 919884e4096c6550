/* config.json top level: root, mounts, hooks, annotations; the sections with
 * their own rules live in config_process.c, config_linux.c and friends. */
#include "oci/config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "oci/config_internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

static int parse_id_mapping(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_id_mapping *m = out;
    if (jr_want_object(r, p, v) < 0)
        return -1;
    if (jr_u32(r, p, v, "containerID", true, &m->container_id) < 0 ||
        jr_u32(r, p, v, "hostID", true, &m->host_id) < 0 ||
        jr_u32(r, p, v, "size", true, &m->size) < 0)
        return -1;
    return 0;
}

int oci_parse_id_mappings(const jr *r, const jr_path *p, yajl_val obj, const char *key,
                          oci_id_mapping **out, size_t *n)
{
    return JR_ARRAY_OF(r, p, obj, key, parse_id_mapping, out, n);
}

static int parse_root(const jr *r, yajl_val tree, oci_root *root)
{
    const jr_path *p = JR_KEY(NULL, "root");
    yajl_val v = jr_get(tree, "root");
    if (v == NULL)
        return jr_fail(r, JR_KEY(p, "path"), "is required");
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "path", true, &root->path) < 0 ||
        jr_bool(r, p, v, "readonly", &root->readonly) < 0)
        return -1;
    if (root->path[0] == '\0')
        return jr_fail(r, JR_KEY(p, "path"), "must not be empty");
    return 0;
}

static int parse_mount(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_mount *m = out;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "destination", true, &m->destination) < 0)
        return -1;
    if (!jr_is_abs(m->destination))
        return jr_fail(r, JR_KEY(p, "destination"), "must be an absolute path");
    if (jr_str(r, p, v, "type", false, &m->type) < 0 ||
        jr_str(r, p, v, "source", false, &m->source) < 0 ||
        jr_strv(r, p, v, "options", &m->options) < 0)
        return -1;
    if (oci_parse_id_mappings(r, p, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
        oci_parse_id_mappings(r, p, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
        return -1;
    return 0;
}

static int parse_mounts(const jr *r, yajl_val tree, oci_config *c)
{
    return JR_ARRAY_OF(r, NULL, tree, "mounts", parse_mount, &c->mounts, &c->n_mounts);
}

static int parse_hook(const jr *r, const jr_path *p, yajl_val v, void *out)
{
    oci_hook *h = out;
    if (jr_want_object(r, p, v) < 0 || jr_str(r, p, v, "path", true, &h->path) < 0)
        return -1;
    if (!jr_is_abs(h->path))
        return jr_fail(r, JR_KEY(p, "path"), "must be an absolute path");
    if (jr_strv(r, p, v, "args", &h->args) < 0 || jr_strv(r, p, v, "env", &h->env) < 0)
        return -1;
    int rc = jr_int_range(r, p, v, "timeout", false, 1, INT_MAX, &h->timeout);
    if (rc < 0)
        return -1;
    h->has_timeout = rc > 0;
    return 0;
}

static int parse_hook_list(const jr *r, const jr_path *p, yajl_val hooks, const char *key,
                           oci_hook_list *list)
{
    return JR_ARRAY_OF(r, p, hooks, key, parse_hook, &list->items, &list->len);
}

static int parse_hooks(const jr *r, yajl_val tree, oci_config *c)
{
    yajl_val v;
    int rc = jr_object(r, NULL, tree, "hooks", &v);
    if (rc <= 0)
        return rc;
    const jr_path *p = JR_KEY(NULL, "hooks");
    oci_hooks *h = &c->hooks;
    c->has_hooks = true;
    if (parse_hook_list(r, p, v, "prestart", &h->prestart) < 0 ||
        parse_hook_list(r, p, v, "createRuntime", &h->create_runtime) < 0 ||
        parse_hook_list(r, p, v, "createContainer", &h->create_container) < 0 ||
        parse_hook_list(r, p, v, "startContainer", &h->start_container) < 0 ||
        parse_hook_list(r, p, v, "poststart", &h->poststart) < 0 ||
        parse_hook_list(r, p, v, "poststop", &h->poststop) < 0)
        return -1;
    return 0;
}

static int parse_sections(const jr *r, yajl_val tree, oci_config *c)
{
    if (jr_str(r, NULL, tree, "ociVersion", true, &c->oci_version) < 0 ||
        parse_root(r, tree, &c->root) < 0)
        return -1;
    yajl_val v = jr_get(tree, "process");
    if (v != NULL) {
        c->has_process = true;
        if (oci_parse_process(r, JR_KEY(NULL, "process"), v, &c->process) < 0)
            return -1;
    }
    if (jr_str(r, NULL, tree, "hostname", false, &c->hostname) < 0 ||
        jr_str(r, NULL, tree, "domainname", false, &c->domainname) < 0 ||
        parse_mounts(r, tree, c) < 0 || parse_hooks(r, tree, c) < 0 ||
        jr_map(r, NULL, tree, "annotations", &c->annotations) < 0)
        return -1;
    v = jr_get(tree, "linux");
    if (v != NULL) {
        c->has_linux = true;
        if (oci_parse_linux(r, JR_KEY(NULL, "linux"), v, &c->linux) < 0)
            return -1;
    }
    return 0;
}

int oci_config_parse(const char *json, size_t len, oci_config **out, nk_error **err)
{
    const jr r = {.doc = "config.json", .err = err};
    yajl_val tree;
    if (jr_parse(&r, json, len, &tree) < 0)
        return -1;
    oci_config *c = xzalloc(sizeof(*c));
    int rc = parse_sections(&r, tree, c);
    jr_tree_free(tree);
    if (rc < 0) {
        oci_config_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int oci_config_load(const char *path, oci_config **out, nk_error **err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    if (nk_read_file(path, &buf, &len, err) < 0)
        return -1;
    return oci_config_parse(buf, len, out, err);
}

static void hook_list_clear(oci_hook_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].path);
        oci_strv_clear(&l->items[i].args);
        oci_strv_clear(&l->items[i].env);
    }
    free(l->items);
}

static void mount_clear(oci_mount *m)
{
    free(m->destination);
    free(m->type);
    free(m->source);
    oci_strv_clear(&m->options);
    free(m->uid_mappings);
    free(m->gid_mappings);
}

void oci_config_free(oci_config *c)
{
    if (c == NULL)
        return;
    free(c->oci_version);
    free(c->root.path);
    oci_process_clear(&c->process);
    free(c->hostname);
    free(c->domainname);
    for (size_t i = 0; i < c->n_mounts; i++)
        mount_clear(&c->mounts[i]);
    free(c->mounts);
    hook_list_clear(&c->hooks.prestart);
    hook_list_clear(&c->hooks.create_runtime);
    hook_list_clear(&c->hooks.create_container);
    hook_list_clear(&c->hooks.start_container);
    hook_list_clear(&c->hooks.poststart);
    hook_list_clear(&c->hooks.poststop);
    oci_map_clear(&c->annotations);
    oci_linux_clear(&c->linux);
    free(c);
}

void oci_config_freep(oci_config **c)
{
    oci_config_free(*c);
    *c = NULL;
}

const oci_namespace *oci_config_namespace(const oci_config *c, oci_ns_type type)
{
    if (c == NULL || !c->has_linux)
        return NULL;
    for (size_t i = 0; i < c->linux.n_namespaces; i++) {
        if (c->linux.namespaces[i].type == type)
            return &c->linux.namespaces[i];
    }
    return NULL;
}
