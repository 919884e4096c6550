#include "oci/json_read.h"

#include <yajl/yajl_parse.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* yajl's parser and the tree builder below keep their stacks on the heap,
 * but jr_* readers recurse per level; no OCI document comes near this depth. */
#define JR_MAX_DEPTH 256

static bool is_ident(const char *s)
{
    if (*s == '\0' || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    }
    return true;
}

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static char *path_text(const jr_path *p)
{
    size_t depth = 0;
    for (const jr_path *q = p; q != NULL; q = q->up)
        depth++;
    _cleanup_free_ const jr_path **frames = xcalloc(depth, sizeof(*frames));
    size_t i = depth;
    for (const jr_path *q = p; q != NULL; q = q->up)
        frames[--i] = q;

    char *buf = xstrdup("");
    size_t len = 0;
    for (i = 0; i < depth; i++) {
        _cleanup_free_ char *part = NULL;
        if (frames[i]->key == NULL)
            part = xasprintf("[%zu]", frames[i]->idx);
        else if (!is_ident(frames[i]->key))
            part = xasprintf("[\"%s\"]", frames[i]->key);
        else
            part = xasprintf("%s%s", len == 0 ? "" : ".", frames[i]->key);
        append(&buf, &len, part);
    }
    return buf;
}

int jr_fail(const jr *r, const jr_path *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    _cleanup_free_ char *path = path_text(p);
    _cleanup_free_ char *full = *path != '\0' ? xasprintf("%s: %s: %s", r->doc, path, msg)
                                              : xasprintf("%s: %s", r->doc, msg);
    /* Keys and values come from the document: keep the message one line. */
    for (char *c = full; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    }
    return nk_err(r->err, 0, "%s", full);
}

/* Refuses what yajl_tree would silently mangle: a raw NUL ends yajl's input
 * early, "\u0000" truncates a C string (a path!), deep nesting recurses. */
static int prescan(const jr *r, const char *json, size_t len)
{
    if (memchr(json, '\0', len) != NULL)
        return jr_fail(r, NULL, "invalid JSON: NUL byte in input");
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\' && i + 1 < len) {
                if (json[i + 1] == 'u' && i + 5 < len && memcmp(json + i + 2, "0000", 4) == 0)
                    return jr_fail(r, NULL, "invalid JSON: \\u0000 in a string");
                i++;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JR_MAX_DEPTH)
                return jr_fail(r, NULL, "invalid JSON: nested deeper than %d levels", JR_MAX_DEPTH);
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* ---------- the tree: yajl's node type, built in an arena ----------
 *
 * yajl_tree_parse() mallocs every node and string and grows each array and
 * object by one realloc per member: for a config.json (12 KB, a seccomp
 * profile of ~350 names) that was 155 us per parse here, half of it in
 * malloc. The same yajl_val nodes are built from yajl's callbacks into a few
 * large blocks instead; members are collected in per-depth scratch arrays
 * and copied once when their container closes. Semantics are yajl_tree's:
 * comments allowed, duplicate keys kept (jr_get takes the last), numbers
 * with their text and the int/double flags yajl_tree sets. */

#define BLOCK_MIN 16384

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

/* The root node is the tree's handle: jr_tree_free finds the blocks from it. */
typedef struct doc {
    block *blocks;
    struct yajl_val_s root;
} doc;

static void *arena_alloc(doc *d, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    block *b = d->blocks;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > BLOCK_MIN ? n : BLOCK_MIN;
        b = xmalloc(sizeof(block) + size);
        b->size = size;
        b->used = 0;
        /* a big one-off allocation goes behind the current block */
        if (d->blocks != NULL && n > BLOCK_MIN) {
            b->next = d->blocks->next;
            d->blocks->next = b;
        } else {
            b->next = d->blocks;
            d->blocks = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(doc *d, const char *s, size_t n)
{
    char *p = arena_alloc(d, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static yajl_val arena_node(doc *d, yajl_type t)
{
    yajl_val v = arena_alloc(d, sizeof(*v));
    memset(v, 0, sizeof(*v));
    v->type = t;
    return v;
}

/* A container being filled; its scratch arrays are kept for the next
 * container at the same depth. */
typedef struct frame {
    yajl_val node;
    yajl_val *vals;
    const char **keys;
    size_t n, cap;
    const char *key; /* objects: the key whose value comes next */
} frame;

typedef struct builder {
    doc *d;
    frame *frames;
    size_t depth, cap;
    yajl_val top;
} builder;

static int add_value(builder *b, yajl_val v)
{
    if (b->depth == 0) {
        b->top = v;
        return 1;
    }
    frame *f = &b->frames[b->depth - 1];
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->vals = xreallocarray(f->vals, f->cap, sizeof(*f->vals));
        f->keys = xreallocarray(f->keys, f->cap, sizeof(*f->keys));
    }
    f->keys[f->n] = f->key;
    f->vals[f->n++] = v;
    f->key = NULL;
    return 1;
}

static int open_container(builder *b, yajl_type t)
{
    if (b->depth == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        b->frames = xreallocarray(b->frames, cap, sizeof(*b->frames));
        memset(b->frames + b->cap, 0, (cap - b->cap) * sizeof(*b->frames));
        b->cap = cap;
    }
    frame *f = &b->frames[b->depth++];
    f->node = arena_node(b->d, t);
    f->n = 0;
    f->key = NULL;
    return 1;
}

static int close_container(builder *b)
{
    frame *f = &b->frames[--b->depth];
    yajl_val v = f->node;
    yajl_val *vals = NULL;
    if (f->n > 0) {
        vals = arena_alloc(b->d, f->n * sizeof(*vals));
        memcpy(vals, f->vals, f->n * sizeof(*vals));
    }
    if (v->type == yajl_t_object) {
        const char **keys = NULL;
        if (f->n > 0) {
            keys = arena_alloc(b->d, f->n * sizeof(*keys));
            memcpy(keys, f->keys, f->n * sizeof(*keys));
        }
        v->u.object.keys = keys;
        v->u.object.values = vals;
        v->u.object.len = f->n;
    } else {
        v->u.array.values = vals;
        v->u.array.len = f->n;
    }
    return add_value(b, v);
}

static int on_null(void *ctx)
{
    builder *b = ctx;
    return add_value(b, arena_node(b->d, yajl_t_null));
}

static int on_boolean(void *ctx, int val)
{
    builder *b = ctx;
    return add_value(b, arena_node(b->d, val ? yajl_t_true : yajl_t_false));
}

/* yajl's integer rule: optional sign, digits only, no overflow */
static bool parse_integer(const char *s, long long *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (*s == '\0')
        return false;
    unsigned long long v = 0;
    unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (limit - (unsigned)(*s - '0')) / 10)
            return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out =
        neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v) : (long long)v;
    return true;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    builder *b = ctx;
    yajl_val v = arena_node(b->d, yajl_t_number);
    v->u.number.r = arena_strndup(b->d, s, len);
    if (parse_integer(v->u.number.r, &v->u.number.i))
        v->u.number.flags |= YAJL_NUMBER_INT_VALID;
    char *end = NULL;
    errno = 0;
    v->u.number.d = strtod(v->u.number.r, &end);
    if (errno == 0 && end != NULL && *end == '\0')
        v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
    return add_value(b, v);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    builder *b = ctx;
    yajl_val v = arena_node(b->d, yajl_t_string);
    v->u.string = arena_strndup(b->d, (const char *)s, len);
    return add_value(b, v);
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, yajl_t_object);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
    builder *b = ctx;
    b->frames[b->depth - 1].key = arena_strndup(b->d, (const char *)s, len);
    return 1;
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, yajl_t_array);
}

static int on_end(void *ctx)
{
    return close_container(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

static void handle_freep(yajl_handle *h)
{
    if (*h != NULL)
        yajl_free(*h);
}

void jr_tree_free(yajl_val root)
{
    if (root == NULL)
        return;
    doc *d = (doc *)((char *)root - offsetof(doc, root));
    for (block *b = d->blocks, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(d);
}

int jr_parse(const jr *r, const char *json, size_t len, yajl_val *out)
{
    if (prescan(r, json, len) < 0)
        return -1;
    doc *d = xzalloc(sizeof(*d));
    builder b = {.d = d};
    __attribute__((cleanup(handle_freep))) yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
    if (h == NULL)
        return nk_err(r->err, ENOMEM, "%s: yajl_alloc", r->doc);
    yajl_config(h, yajl_allow_comments, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)json, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    for (size_t i = 0; i < b.cap; i++) {
        free(b.frames[i].vals);
        free(b.frames[i].keys);
    }
    free(b.frames);
    if (st != yajl_status_ok || b.top == NULL) {
        jr_tree_free(&d->root);
        if (st == yajl_status_ok)
            return jr_fail(r, NULL, "invalid JSON: parse error");
        /* yajl's verbose message quotes the input over several lines; the
         * first line is the short reason. */
        unsigned char *msg = yajl_get_error(h, 1, (const unsigned char *)json, len);
        char ebuf[256];
        snprintf(ebuf, sizeof(ebuf), "%s", msg != NULL ? (const char *)msg : "");
        if (msg != NULL)
            yajl_free_error(h, msg);
        ebuf[strcspn(ebuf, "\n")] = '\0';
        size_t n = strlen(ebuf);
        while (n > 0 && (ebuf[n - 1] == ' ' || ebuf[n - 1] == '.'))
            ebuf[--n] = '\0';
        return jr_fail(r, NULL, "invalid JSON: %s", n > 0 ? ebuf : "parse error");
    }
    if (!YAJL_IS_OBJECT(b.top)) {
        jr_tree_free(&d->root);
        return jr_fail(r, NULL, "must be a JSON object");
    }
    d->root = *b.top;
    *out = &d->root;
    return 0;
}

yajl_val jr_get(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = obj->u.object.len; i > 0; i--) {
        if (strcmp(obj->u.object.keys[i - 1], key) == 0) {
            yajl_val v = obj->u.object.values[i - 1];
            return YAJL_IS_NULL(v) ? NULL : v;
        }
    }
    return NULL;
}

int jr_want_object(const jr *r, const jr_path *p, yajl_val v)
{
    return YAJL_IS_OBJECT(v) ? 0 : jr_fail(r, p, "must be an object");
}

int jr_want_array(const jr *r, const jr_path *p, yajl_val v)
{
    return YAJL_IS_ARRAY(v) ? 0 : jr_fail(r, p, "must be an array");
}

int jr_val_str(const jr *r, const jr_path *p, yajl_val v, char **out)
{
    if (!YAJL_IS_STRING(v))
        return jr_fail(r, p, "must be a string");
    free(*out);
    *out = xstrdup(v->u.string);
    return 0;
}

int jr_val_bool(const jr *r, const jr_path *p, yajl_val v, bool *out)
{
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
        return jr_fail(r, p, "must be a boolean");
    *out = YAJL_IS_TRUE(v);
    return 0;
}

/* The raw text is the only exact form: yajl's long long stops at INT64_MAX
 * and its double loses bits above 2^53. */
static bool raw_integer(yajl_val v, const char **digits, bool *negative)
{
    if (!YAJL_IS_NUMBER(v) || v->u.number.r == NULL)
        return false;
    const char *s = v->u.number.r;
    *negative = *s == '-';
    if (*negative)
        s++;
    if (*s == '\0')
        return false;
    for (const char *c = s; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return false;
    }
    *digits = s;
    return true;
}

int jr_val_uint(const jr *r, const jr_path *p, yajl_val v, uint64_t max, uint64_t *out)
{
    const char *digits;
    bool negative;
    if (!raw_integer(v, &digits, &negative))
        return jr_fail(r, p, "must be an integer between 0 and %" PRIu64, max);
    errno = 0;
    unsigned long long n = strtoull(digits, NULL, 10);
    bool zero = n == 0 && errno == 0;
    if ((negative && !zero) || errno == ERANGE || n > max)
        return jr_fail(r, p, "must be an integer between 0 and %" PRIu64, max);
    *out = n;
    return 0;
}

int jr_val_int(const jr *r, const jr_path *p, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
    const char *digits;
    bool negative;
    if (!raw_integer(v, &digits, &negative))
        return jr_fail(r, p, "must be an integer between %" PRId64 " and %" PRId64, min, max);
    errno = 0;
    long long n = strtoll(v->u.number.r, NULL, 10);
    if (errno == ERANGE || n < min || n > max)
        return jr_fail(r, p, "must be an integer between %" PRId64 " and %" PRId64, min, max);
    *out = n;
    return 0;
}

void oci_strv_clear(oci_strv *v)
{
    nk_strv_free(v->v);
    v->v = NULL;
    v->len = 0;
}

void oci_map_clear(oci_map *m)
{
    for (size_t i = 0; i < m->len; i++) {
        free(m->items[i].key);
        free(m->items[i].value);
    }
    free(m->items);
    m->items = NULL;
    m->len = 0;
}

int jr_val_strv(const jr *r, const jr_path *p, yajl_val v, oci_strv *out)
{
    if (jr_want_array(r, p, v) < 0)
        return -1;
    size_t n = v->u.array.len;
    _cleanup_strv_ char **strs = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        if (jr_val_str(r, JR_IDX(p, i), v->u.array.values[i], &strs[i]) < 0)
            return -1;
    }
    oci_strv_clear(out);
    out->v = NK_TAKE_PTR(strs);
    out->len = n;
    return 0;
}

int jr_val_map(const jr *r, const jr_path *p, yajl_val v, oci_map *out)
{
    if (jr_want_object(r, p, v) < 0)
        return -1;
    size_t n = v->u.object.len;
    oci_map m = {.items = xcalloc(n, sizeof(oci_kv)), .len = 0};
    for (size_t i = 0; i < n; i++) {
        const char *key = v->u.object.keys[i];
        yajl_val val = v->u.object.values[i];
        if (!YAJL_IS_STRING(val)) {
            oci_map_clear(&m);
            return jr_fail(r, JR_KEY(p, key), "must be a string");
        }
        /* duplicate keys: the last one wins, as in jr_get */
        size_t j = 0;
        while (j < m.len && strcmp(m.items[j].key, key) != 0)
            j++;
        if (j == m.len) {
            m.items[j].key = xstrdup(key);
            m.len++;
        } else {
            free(m.items[j].value);
        }
        m.items[j].value = xstrdup(val->u.string);
    }
    oci_map_clear(out);
    *out = m;
    return 0;
}

static int field(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
                 yajl_val *out)
{
    *out = jr_get(obj, key);
    if (*out == NULL)
        return required ? jr_fail(r, JR_KEY(p, key), "is required") : 0;
    return 1;
}

int jr_str(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required, char **out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, required, &v);
    if (rc <= 0)
        return rc;
    return jr_val_str(r, JR_KEY(p, key), v, out) < 0 ? -1 : 1;
}

int jr_bool(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool *out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, false, &v);
    if (rc <= 0)
        return rc;
    return jr_val_bool(r, JR_KEY(p, key), v, out) < 0 ? -1 : 1;
}

/* An unsigned field bounded by its C type's max. */
static int uint_field(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
                      uint64_t max, uint64_t *out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, required, &v);
    if (rc <= 0)
        return rc;
    return jr_val_uint(r, JR_KEY(p, key), v, max, out) < 0 ? -1 : 1;
}

int jr_u64(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint64_t *out)
{
    return uint_field(r, p, obj, key, required, UINT64_MAX, out);
}

int jr_u32(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint32_t *out)
{
    uint64_t n;
    int rc = uint_field(r, p, obj, key, required, UINT32_MAX, &n);
    if (rc > 0)
        *out = (uint32_t)n;
    return rc;
}

int jr_u16(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           uint16_t *out)
{
    uint64_t n;
    int rc = uint_field(r, p, obj, key, required, UINT16_MAX, &n);
    if (rc > 0)
        *out = (uint16_t)n;
    return rc;
}

int jr_i64(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           int64_t *out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, required, &v);
    if (rc <= 0)
        return rc;
    return jr_val_int(r, JR_KEY(p, key), v, INT64_MIN, INT64_MAX, out) < 0 ? -1 : 1;
}

int jr_i32(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
           int32_t *out)
{
    int64_t n;
    yajl_val v;
    int rc = field(r, p, obj, key, required, &v);
    if (rc <= 0)
        return rc;
    if (jr_val_int(r, JR_KEY(p, key), v, INT32_MIN, INT32_MAX, &n) < 0)
        return -1;
    *out = (int32_t)n;
    return 1;
}

int jr_int_range(const jr *r, const jr_path *p, yajl_val obj, const char *key, bool required,
                 int min, int max, int *out)
{
    int64_t n;
    yajl_val v;
    int rc = field(r, p, obj, key, required, &v);
    if (rc <= 0)
        return rc;
    if (jr_val_int(r, JR_KEY(p, key), v, min, max, &n) < 0)
        return -1;
    *out = (int)n;
    return 1;
}

int jr_strv(const jr *r, const jr_path *p, yajl_val obj, const char *key, oci_strv *out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, false, &v);
    if (rc <= 0)
        return rc;
    return jr_val_strv(r, JR_KEY(p, key), v, out) < 0 ? -1 : 1;
}

int jr_map(const jr *r, const jr_path *p, yajl_val obj, const char *key, oci_map *out)
{
    yajl_val v;
    int rc = field(r, p, obj, key, false, &v);
    if (rc <= 0)
        return rc;
    return jr_val_map(r, JR_KEY(p, key), v, out) < 0 ? -1 : 1;
}

int jr_array(const jr *r, const jr_path *p, yajl_val obj, const char *key, yajl_val *out)
{
    int rc = field(r, p, obj, key, false, out);
    if (rc <= 0)
        return rc;
    return jr_want_array(r, JR_KEY(p, key), *out) < 0 ? -1 : 1;
}

int jr_object(const jr *r, const jr_path *p, yajl_val obj, const char *key, yajl_val *out)
{
    int rc = field(r, p, obj, key, false, out);
    if (rc <= 0)
        return rc;
    return jr_want_object(r, JR_KEY(p, key), *out) < 0 ? -1 : 1;
}

int jr_array_of(const jr *r, const jr_path *p, yajl_val obj, const char *key, size_t elem_size,
                jr_elem_fn fn, void **items, size_t *len)
{
    yajl_val arr;
    int rc = jr_array(r, p, obj, key, &arr);
    if (rc <= 0)
        return rc;
    const jr_path *ap = JR_KEY(p, key);
    size_t n = arr->u.array.len;
    char *v = xcalloc(n, elem_size);
    *items = v;
    *len = n;
    for (size_t i = 0; i < n; i++) {
        if (fn(r, JR_IDX(ap, i), arr->u.array.values[i], v + i * elem_size) < 0)
            return -1;
    }
    return 1;
}

const jr_name *jr_lookup(const jr_name *table, const char *name)
{
    for (; table->name != NULL; table++) {
        if (strcmp(table->name, name) == 0)
            return table;
    }
    return NULL;
}

bool jr_is_abs(const char *path)
{
    return path != NULL && path[0] == '/';
}

int jr_check_names(const jr *r, const jr_path *p, const oci_strv *v, const jr_name *table,
                   const char *what)
{
    for (size_t i = 0; i < v->len; i++) {
        if (jr_lookup(table, v->v[i]) == NULL)
            return jr_fail(r, JR_IDX(p, i), "unknown %s \"%s\"", what, v->v[i]);
    }
    return 0;
}
