#include "oci/json_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void track(jw *w, yajl_gen_status st)
{
    if (w->status == yajl_gen_status_ok)
        w->status = st;
}

void jw_init(jw *w, const char *indent)
{
    w->g = yajl_gen_alloc(NULL);
    if (w->g == NULL)
        abort(); /* only when malloc fails: the xmalloc policy */
    w->status = yajl_gen_status_ok;
    if (indent != NULL) {
        yajl_gen_config(w->g, yajl_gen_beautify, 1);
        yajl_gen_config(w->g, yajl_gen_indent_string, indent);
    }
}

void jw_open_map(jw *w)
{
    track(w, yajl_gen_map_open(w->g));
}

void jw_close_map(jw *w)
{
    track(w, yajl_gen_map_close(w->g));
}

void jw_open_array(jw *w)
{
    track(w, yajl_gen_array_open(w->g));
}

void jw_close_array(jw *w)
{
    track(w, yajl_gen_array_close(w->g));
}

void jw_str(jw *w, const char *s)
{
    track(w, yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)));
}

/* Numbers go out as text: yajl_gen_integer takes a long long, which cannot
 * hold a uint64 above INT64_MAX. */
void jw_int(jw *w, int64_t n)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%" PRId64, n);
    track(w, yajl_gen_number(w->g, buf, (size_t)len));
}

void jw_uint(jw *w, uint64_t n)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%" PRIu64, n);
    track(w, yajl_gen_number(w->g, buf, (size_t)len));
}

void jw_bool(jw *w, bool b)
{
    track(w, yajl_gen_bool(w->g, b));
}

void jw_strs(jw *w, const char *const *v)
{
    jw_open_array(w);
    for (; v != NULL && *v != NULL; v++)
        jw_str(w, *v);
    jw_close_array(w);
}

void jw_key(jw *w, const char *key)
{
    jw_str(w, key);
}

void jw_kstr(jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s != NULL ? s : "");
}

void jw_kint(jw *w, const char *key, int64_t n)
{
    jw_key(w, key);
    jw_int(w, n);
}

void jw_kuint(jw *w, const char *key, uint64_t n)
{
    jw_key(w, key);
    jw_uint(w, n);
}

void jw_kbool(jw *w, const char *key, bool b)
{
    jw_key(w, key);
    jw_bool(w, b);
}

void jw_kstrs(jw *w, const char *key, const char *const *v)
{
    jw_key(w, key);
    jw_strs(w, v);
}

int jw_finish(jw *w, char **out, size_t *len, nk_error **err)
{
    const unsigned char *buf = NULL;
    size_t n = 0;
    if (w->status == yajl_gen_status_ok)
        w->status = yajl_gen_get_buf(w->g, &buf, &n);
    if (w->status != yajl_gen_status_ok) {
        int st = (int)w->status;
        yajl_gen_free(w->g);
        w->g = NULL;
        return nk_err(err, 0, "generate JSON: yajl_gen status %d", st);
    }
    /* yajl's beautifier ends the document with a newline; callers decide. */
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    *out = xstrndup((const char *)buf, n);
    if (len != NULL)
        *len = n;
    yajl_gen_free(w->g);
    w->g = NULL;
    return 0;
}
