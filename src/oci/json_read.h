/* Typed reads from a yajl tree that know where they are: every failure is one
 * line naming the document and the JSON path, e.g.
 * "config.json: linux.namespaces[2].type: unknown namespace type "foo"".
 * Internal to src/oci/. */
#ifndef NOOK_OCI_JSON_READ_H
#define NOOK_OCI_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "oci/config.h"
#include "util/error.h"

/* A path is a chain of stack frames pointing at their parent, so building one
 * costs nothing until an error needs the text. */
typedef struct jr_path {
    const struct jr_path *up;
    const char *key; /* NULL: an array element at idx */
    size_t idx;
} jr_path;

#define JR_KEY(up_, key_) (&(const jr_path){.up = (up_), .key = (key_)})
#define JR_IDX(up_, idx_) (&(const jr_path){.up = (up_), .idx = (idx_)})

typedef struct jr {
    const char *doc; /* "config.json", "process.json", "resources" */
    nk_error **err;
} jr;

/* Parses a whole document (NUL bytes and absurd nesting refused up front);
 * the root must be an object. */
int jr_parse(const jr *r, const char *json, size_t len, yajl_val *out);
/* Frees a tree from jr_parse (not yajl_tree_free: it lives in an arena). */
void jr_tree_free(yajl_val root);

int jr_fail(const jr *r, const jr_path *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Member lookup; JSON null counts as absent like in Go's decoder, and the last
 * of duplicate keys wins for the same reason. */
yajl_val jr_get(yajl_val obj, const char *key);

/* Value checks: p is the path of v itself. Return 0 or -1. */
int jr_want_object(const jr *r, const jr_path *p, yajl_val v);
int jr_want_array(const jr *r, const jr_path *p, yajl_val v);
int jr_val_str(const jr *r, const jr_path *p, yajl_val v, char **out);
int jr_val_bool(const jr *r, const jr_path *p, yajl_val v, bool *out);
int jr_val_uint(const jr *r, const jr_path *p, yajl_val v, uint64_t max, uint64_t *out);
int jr_val_int(const jr *r, const jr_path *p, yajl_val v, int64_t min, int64_t max, int64_t *out);
int jr_val_strv(const jr *r, const jr_path *p, yajl_val v, oci_strv *out);
int jr_val_map(const jr *r, const jr_path *p, yajl_val v, oci_map *out);

/* Field reads from object obj at path p. Return 1 when the field was set, 0
 * when absent and optional, -1 on error (absent and required included). */
int jr_str(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required, char **out);
int jr_bool(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool *out);
int jr_u64(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint64_t *out);
int jr_u32(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint32_t *out);
int jr_u16(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint16_t *out);
int jr_i64(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           int64_t *out);
int jr_i32(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           int32_t *out);
/* Any integer within [min, max] that fits an int. */
int jr_int_range(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
                 int min, int max, int *out);
int jr_strv(const jr *r, const jr_path *p, yajl_val obj, const char *key, oci_strv *out);
int jr_map(const jr *r, const jr_path *p, yajl_val obj, const char *key, oci_map *out);
/* The array at key (1), absent (0) or an error; *out is the array node. */
int jr_array(const jr *r, const jr_path *p, yajl_val obj, const char *key, yajl_val *out);
int jr_object(const jr *r, const jr_path *p, yajl_val obj, const char *key, yajl_val *out);

/* Parses one array element at path p into *out (elem_size zeroed bytes). */
typedef int (*jr_elem_fn)(const jr *r, const jr_path *p, yajl_val v, void *out);

/* An optional array of objects at key: *items gets len zeroed elements and
 * *len is set before any is parsed, so freeing after a failure releases
 * exactly what was parsed. Each element is parsed by fn at key[i].
 * Returns 1 parsed, 0 absent, -1 error. Use JR_ARRAY_OF for typed items. */
int jr_array_of(const jr *r, const jr_path *p, yajl_val obj, const char *key, size_t elem_size,
                jr_elem_fn fn, void **items, size_t *len);
#define JR_ARRAY_OF(r, p, obj, key, fn, items, len)                                                \
    ({                                                                                             \
        void *_items = NULL;                                                                       \
        int _rc = jr_array_of((r), (p), (obj), (key), sizeof(**(items)), (fn), &_items, (len));    \
        *(items) = _items;                                                                         \
        _rc;                                                                                       \
    })

/* Lookups in NULL-terminated name tables. */
typedef struct jr_name {
    const char *name;
    int value;
} jr_name;
const jr_name *jr_lookup(const jr_name *table, const char *name);
/* Every element of v (read from p) must be in table; what names the kind in
 * the error: unknown <what> "x". */
int jr_check_names(const jr *r, const jr_path *p, const oci_strv *v, const jr_name *table,
                   const char *what);

bool jr_is_abs(const char *path);

void oci_strv_clear(oci_strv *v);
void oci_map_clear(oci_map *m);

#endif
