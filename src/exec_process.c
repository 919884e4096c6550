/* What `exec` runs: the container's process with runc's exec flags applied,
 * or an OCI process object from --process. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

int nk_parse_id(const char *s, uint32_t *out)
{
    if (s == NULL || *s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
        return -1;
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > UINT32_MAX - 1)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static void strv_push(oci_strv *sv, const char *s)
{
    sv->v = xrealloc(sv->v, (sv->len + 2) * sizeof(char *));
    sv->v[sv->len++] = xstrdup(s);
    sv->v[sv->len] = NULL;
}

static bool strv_has(const oci_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->len; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

/* KEY=VALUE replacing an earlier KEY, so getenv() in the process sees the
 * value given last, as runc does. */
static int env_set(oci_strv *env, const char *kv, nk_error **err)
{
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv)
        return nk_err(err, 0, "--env: invalid environment variable \"%s\": want KEY=VALUE", kv);
    size_t klen = (size_t)(eq - kv) + 1;
    for (size_t i = 0; i < env->len; i++)
        if (strncmp(env->v[i], kv, klen) == 0) {
            free(env->v[i]);
            env->v[i] = xstrdup(kv);
            return 0;
        }
    strv_push(env, kv);
    return 0;
}

static int apply_user(const nk_exec_opts *o, oci_user *u, nk_error **err)
{
    if (o->user != NULL) {
        _cleanup_free_ char *copy = xstrdup(o->user);
        char *colon = strchr(copy, ':');
        if (colon != NULL)
            *colon = '\0';
        uint32_t uid, gid = 0;
        if (nk_parse_id(copy, &uid) < 0 || (colon != NULL && nk_parse_id(colon + 1, &gid) < 0))
            return nk_err(err, 0, "--user: invalid value \"%s\": want UID[:GID], decimal", o->user);
        u->uid = uid;
        u->gid = gid;
        free(u->username);
        u->username = NULL;
    }
    for (size_t i = 0; i < o->n_additional_gids; i++) {
        uint32_t gid;
        if (nk_parse_id(o->additional_gids[i], &gid) < 0)
            return nk_err(err, 0, "--additional-gids: invalid gid \"%s\"", o->additional_gids[i]);
        u->additional_gids =
            xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
        u->additional_gids[u->n_additional_gids++] = gid;
    }
    return 0;
}

static void add_caps(const nk_exec_opts *o, oci_process *p)
{
    oci_capabilities *c = &p->capabilities;
    /* CVE-2022-29162: an exec'd process must not gain inheritable (and so
     * ambient-able) capabilities the container did not have */
    oci_strv *sets[] = {&c->bounding, &c->effective, &c->permitted};
    bool *has[] = {&c->has_bounding, &c->has_effective, &c->has_permitted};
    for (size_t i = 0; i < o->n_caps; i++)
        for (size_t s = 0; s < 3; s++) {
            *has[s] = true;
            if (!strv_has(sets[s], o->caps[i]))
                strv_push(sets[s], o->caps[i]);
        }
    if (o->n_caps > 0)
        p->has_capabilities = true;
}

static int load_process_file(const char *path, oci_config *config, nk_error **err)
{
    _cleanup_free_ char *json = NULL;
    size_t len;
    if (nk_read_file(path, &json, &len, err) < 0)
        return nk_err_wrap(err, "--process");
    oci_process *np;
    if (oci_process_parse(json, len, &np, err) < 0)
        return -1;
    oci_process old = config->process;
    config->process = *np;
    *np = old;
    oci_process_free(np);
    config->has_process = true;
    return 0;
}

int nk_exec_build_process(const nk_exec_opts *o, oci_config *config, nk_error **err)
{
    if (o->process_file != NULL)
        return load_process_file(o->process_file, config, err);
    oci_process *p = &config->process;
    if (o->n_args == 0)
        return nk_err(err, 0, "exec: no command given: pass one after the container id");
    nk_strv_free(p->args.v);
    p->args.v = xcalloc((size_t)o->n_args + 1, sizeof(char *));
    for (int i = 0; i < o->n_args; i++)
        p->args.v[i] = xstrdup(o->args[i]);
    p->args.len = (size_t)o->n_args;
    free(p->command_line);
    p->command_line = NULL;
    if (o->cwd != NULL) {
        if (o->cwd[0] != '/')
            return nk_err(err, 0, "--cwd: \"%s\" must be an absolute path", o->cwd);
        free(p->cwd);
        p->cwd = xstrdup(o->cwd);
    }
    for (size_t i = 0; i < o->n_env; i++)
        if (env_set(&p->env, o->env[i], err) < 0)
            return -1;
    if (apply_user(o, &p->user, err) < 0)
        return -1;
    add_caps(o, p);
    p->terminal = o->tty;
    if (o->no_new_privs)
        p->no_new_privileges = true;
    if (o->apparmor != NULL) {
        free(p->apparmor_profile);
        p->apparmor_profile = xstrdup(o->apparmor);
    }
    if (o->process_label != NULL) {
        free(p->selinux_label);
        p->selinux_label = xstrdup(o->process_label);
    }
    /* the container's init consoleSize describes init's terminal, not ours */
    p->has_console_size = false;
    return 0;
}
