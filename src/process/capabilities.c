/* process.capabilities through libcap. Order matters: the bounding set can
 * only shrink while CAP_SETPCAP is effective (before the uid change), and the
 * ambient set only holds caps present in both permitted and inheritable. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "process.h"
#include "process/internal.h"

static void cap_freep(cap_t *c)
{
    if (*c != NULL)
        cap_free(*c);
}
#define _cleanup_cap_ __attribute__((cleanup(cap_freep)))

/* nk_err naming the cap as the config spells it (libcap gives lower case
 * and allocates). */
static int cap_err(nk_error **err, int errnum, const char *what, int v)
{
    char *name = cap_to_name((cap_value_t)v);

    for (char *c = name; c != NULL && *c != '\0'; c++)
        *c = (char)toupper((unsigned char)*c);
    nk_err(err, errnum, "%s %s", what, name != NULL ? name : "?");
    cap_free(name);
    return -1;
}

/* How many caps the running kernel knows; libcap may know more names. */
static int kernel_cap_count(void)
{
    int n = (int)cap_max_bits();
    return n > 64 ? 64 : n;
}

int nk_cap_from_name(const char *name, int *value)
{
    cap_value_t v;

    if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
        return -1;
    for (const char *c = name + 4; *c != '\0'; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return -1;
    if (cap_from_name(name, &v) < 0 || v < 0 || v >= kernel_cap_count())
        return -1;
    *value = (int)v;
    return 0;
}

static uint64_t names_to_mask(const oci_strv *names)
{
    uint64_t mask = 0;

    for (size_t i = 0; i < names->len; i++) {
        int v;
        if (nk_cap_from_name(names->v[i], &v) == 0)
            mask |= UINT64_C(1) << v;
    }
    return mask;
}

void nk_caps_from_config(const oci_process *p, nk_caps *out)
{
    const oci_capabilities *c = &p->capabilities;

    memset(out, 0, sizeof(*out));
    if (!p->has_capabilities)
        return;
    /* An absent set is an empty one: the spec gives no default, and anything
     * else would leave the runtime's full privileges in place. */
    out->bounding = names_to_mask(&c->bounding);
    out->effective = names_to_mask(&c->effective);
    out->inheritable = names_to_mask(&c->inheritable);
    out->permitted = names_to_mask(&c->permitted);
    out->ambient = names_to_mask(&c->ambient);
}

int nk_caps_drop_bounding(const nk_caps *caps, nk_error **err)
{
    for (int v = 0; v < kernel_cap_count(); v++) {
        if (caps->bounding & (UINT64_C(1) << v))
            continue;
        /* One prctl each, not a read first: with CAP_SETPCAP dropping a cap
         * already gone succeeds; without it (exec as a user, caps already
         * dropped) EPERM is fine when the cap is gone. */
        if (cap_drop_bound((cap_value_t)v) < 0 &&
            (errno != EPERM || cap_get_bound((cap_value_t)v) != 0))
            return cap_err(err, errno, "drop bounding capability", v);
    }
    return 0;
}

static int add_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
    for (int v = 0; v < 64; v++) {
        cap_value_t one = v;
        if ((mask & (UINT64_C(1) << v)) && cap_set_flag(c, flag, 1, &one, CAP_SET) < 0)
            return -1;
    }
    return 0;
}

static int apply_ambient(const nk_caps *caps, nk_error **err)
{
    /* Start from nothing: `exec` may run from a runtime that has ambient
     * caps of its own, which must not reach the container. */
    uint64_t raise = caps->ambient & caps->permitted & caps->inheritable;
    /* One prctl: libcap's cap_reset_ambient() asks about every cap first.
     * EINVAL: a kernel without ambient caps (< 4.3), so nothing to clear. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
        (errno != EINVAL || raise != 0))
        return nk_err(err, errno, "clear the ambient capabilities");
    for (int v = 0; v < 64; v++) {
        if (!(raise & (UINT64_C(1) << v)))
            continue;
        if (cap_set_ambient((cap_value_t)v, CAP_SET) < 0)
            return cap_err(err, errno, "raise ambient capability", v);
    }
    return 0;
}

int nk_caps_apply(const nk_caps *caps, nk_error **err)
{
    _cleanup_cap_ cap_t c = cap_init();

    if (c == NULL)
        return nk_err(err, errno, "cap_init");
    if (add_flag(c, CAP_PERMITTED, caps->permitted) < 0 ||
        add_flag(c, CAP_EFFECTIVE, caps->effective) < 0 ||
        add_flag(c, CAP_INHERITABLE, caps->inheritable) < 0)
        return nk_err(err, errno, "build capability sets");
    /* EPERM here means the config asked for effective caps outside
     * permitted, or inheritable ones outside the bounding set. */
    if (cap_set_proc(c) < 0)
        return nk_err(err, errno, "apply capabilities");
    return apply_ambient(caps, err);
}

void nk_process_unknown_caps(const oci_process *p, nk_unknown_cap_fn fn, void *arg)
{
    if (!p->has_capabilities)
        return;
    const oci_capabilities *c = &p->capabilities;
    const struct {
        const char *name;
        const oci_strv *v;
    } sets[] = {{"bounding", &c->bounding},
                {"effective", &c->effective},
                {"inheritable", &c->inheritable},
                {"permitted", &c->permitted},
                {"ambient", &c->ambient}};
    for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
        for (size_t i = 0; i < sets[s].v->len; i++) {
            int v;
            if (nk_cap_from_name(sets[s].v->v[i], &v) < 0)
                fn(sets[s].name, sets[s].v->v[i], arg);
        }
}
