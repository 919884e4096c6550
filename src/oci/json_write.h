/* A thin layer over yajl_gen for the JSON nook prints: remembers the first
 * failure so callers can emit a whole document and check once. Internal to
 * src/oci/. */
#ifndef NOOK_OCI_JSON_WRITE_H
#define NOOK_OCI_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "util/error.h"

typedef struct jw {
    yajl_gen g;
    yajl_gen_status status; /* first failure, yajl_gen_status_ok until then */
} jw;

/* indent NULL: compact output. */
void jw_init(jw *w, const char *indent);
void jw_open_map(jw *w);
void jw_close_map(jw *w);
void jw_open_array(jw *w);
void jw_close_array(jw *w);
void jw_str(jw *w, const char *s);
void jw_int(jw *w, int64_t n);
void jw_uint(jw *w, uint64_t n);
void jw_bool(jw *w, bool b);
void jw_strs(jw *w, const char *const *v); /* a NULL-terminated list as an array */

/* "key": value shorthands. */
void jw_key(jw *w, const char *key);
void jw_kstr(jw *w, const char *key, const char *s);
void jw_kint(jw *w, const char *key, int64_t n);
void jw_kuint(jw *w, const char *key, uint64_t n);
void jw_kbool(jw *w, const char *key, bool b);
void jw_kstrs(jw *w, const char *key, const char *const *v);

/* Hands out the text (NUL-terminated, no trailing newline) and frees the
 * generator, also on error. */
int jw_finish(jw *w, char **out, size_t *len, nk_error **err);

#endif
