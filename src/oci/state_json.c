/* state.json on disk and the JSON of `state`, `list` and `ps`. Field names
 * and order follow runc's: containerd's shim and go-runc decode them. */
#include "oci/state_json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "oci/json_read.h"
#include "oci/json_write.h"
#include "util/xalloc.h"

static void write_public(jw *w, const nk_state *s)
{
    jw_kstr(w, "ociVersion", s->oci_version);
    jw_kstr(w, "id", s->id);
    jw_kint(w, "pid", s->pid);
    jw_kstr(w, "status", s->status);
    jw_kstr(w, "bundle", s->bundle);
    jw_kstr(w, "rootfs", s->rootfs);
    jw_kstr(w, "created", s->created);
    /* runc tags it omitempty */
    if (s->annotations.len > 0) {
        jw_key(w, "annotations");
        jw_open_map(w);
        for (size_t i = 0; i < s->annotations.len; i++)
            jw_kstr(w, s->annotations.items[i].key, s->annotations.items[i].value);
        jw_close_map(w);
    }
    jw_kstr(w, "owner", s->owner);
}

static void write_private(jw *w, const nk_state *s)
{
    jw_key(w, "nook");
    jw_open_map(w);
    jw_kuint(w, "initStartTime", s->init_start_time);
    jw_kbool(w, "ownPidNamespace", s->own_pid_ns);
    if (s->cgroup_path != NULL)
        jw_kstr(w, "cgroupPath", s->cgroup_path);
    jw_kbool(w, "rootless", s->rootless);
    jw_close_map(w);
}

int oci_state_to_json(const nk_state *s, bool with_private, bool pretty, char **out, size_t *len,
                      nk_error **err)
{
    jw w;
    jw_init(&w, pretty ? "  " : NULL);
    jw_open_map(&w);
    write_public(&w, s);
    if (with_private)
        write_private(&w, s);
    jw_close_map(&w);
    return jw_finish(&w, out, len, err);
}

int oci_state_list_to_json(nk_state *const *states, size_t n, char **out, size_t *len,
                           nk_error **err)
{
    jw w;
    jw_init(&w, NULL);
    jw_open_array(&w);
    for (size_t i = 0; i < n; i++) {
        jw_open_map(&w);
        write_public(&w, states[i]);
        jw_close_map(&w);
    }
    jw_close_array(&w);
    return jw_finish(&w, out, len, err);
}

int oci_pids_to_json(const pid_t *pids, size_t n, char **out, size_t *len, nk_error **err)
{
    jw w;
    jw_init(&w, NULL);
    jw_open_array(&w);
    for (size_t i = 0; i < n; i++)
        jw_int(&w, pids[i]);
    jw_close_array(&w);
    return jw_finish(&w, out, len, err);
}

static int parse_private(const jr *r, yajl_val tree, nk_state *s)
{
    yajl_val v;
    int rc = jr_object(r, NULL, tree, "nook", &v);
    if (rc <= 0)
        return rc;
    const jr_path *p = JR_KEY(NULL, "nook");
    if (jr_u64(r, p, v, "initStartTime", false, &s->init_start_time) < 0 ||
        jr_bool(r, p, v, "ownPidNamespace", &s->own_pid_ns) < 0 ||
        jr_str(r, p, v, "cgroupPath", false, &s->cgroup_path) < 0 ||
        jr_bool(r, p, v, "rootless", &s->rootless) < 0)
        return -1;
    return 0;
}

static int parse_state(const jr *r, yajl_val tree, nk_state *s)
{
    int pid = 0;
    if (jr_str(r, NULL, tree, "ociVersion", false, &s->oci_version) < 0 ||
        jr_str(r, NULL, tree, "id", true, &s->id) < 0 ||
        jr_int_range(r, NULL, tree, "pid", false, 0, INT_MAX, &pid) < 0 ||
        jr_str(r, NULL, tree, "status", false, &s->status) < 0 ||
        jr_str(r, NULL, tree, "bundle", false, &s->bundle) < 0 ||
        jr_str(r, NULL, tree, "rootfs", false, &s->rootfs) < 0 ||
        jr_str(r, NULL, tree, "created", false, &s->created) < 0 ||
        jr_map(r, NULL, tree, "annotations", &s->annotations) < 0 ||
        jr_str(r, NULL, tree, "owner", false, &s->owner) < 0)
        return -1;
    s->pid = (pid_t)pid;
    return parse_private(r, tree, s);
}

int oci_state_parse(const char *json, size_t len, nk_state **out, nk_error **err)
{
    const jr r = {.doc = "state.json", .err = err};
    yajl_val tree;
    if (jr_parse(&r, json, len, &tree) < 0)
        return -1;
    nk_state *s = xzalloc(sizeof(*s));
    int rc = parse_state(&r, tree, s);
    jr_tree_free(tree);
    if (rc < 0) {
        nk_state_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void nk_state_free(nk_state *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->status);
    free(s->bundle);
    free(s->rootfs);
    free(s->created);
    oci_map_clear(&s->annotations);
    free(s->owner);
    free(s->cgroup_path);
    free(s);
}

void nk_state_freep(nk_state **s)
{
    nk_state_free(*s);
    *s = NULL;
}
