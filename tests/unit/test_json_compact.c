/* oci/json_compact.c: whitespace between tokens goes, the document stays. */
#include <stdlib.h>
#include <string.h>

#include "oci/json_compact.h"
#include "oci/json_read.h"
#include "oci/state_json.h"
#include "unit.h"
#include "util/cleanup.h"

static char *compact(const char *json, bool *ok)
{
    size_t n = strlen(json), len = 0;
    char *out = calloc(1, n + 1);
    *ok = oci_json_compact(json, n, out, &len);
    if (*ok)
        out[len] = '\0';
    return out;
}

static yajl_val parse(const char *json, size_t len)
{
    nk_error *e = NULL;
    const jr r = {.doc = "test.json", .err = &e};
    yajl_val v = NULL;
    if (jr_parse(&r, json, len, &v) < 0) {
        fprintf(stderr, "# %s\n", nk_error_text(e));
        nk_error_free(e);
        return NULL;
    }
    return v;
}

static bool same_tree(yajl_val a, yajl_val b)
{
    if (a == NULL || b == NULL || a->type != b->type)
        return false;
    switch (a->type) {
    case yajl_t_string:
        return strcmp(a->u.string, b->u.string) == 0;
    case yajl_t_number:
        return strcmp(a->u.number.r, b->u.number.r) == 0;
    case yajl_t_object:
        if (a->u.object.len != b->u.object.len)
            return false;
        for (size_t i = 0; i < a->u.object.len; i++)
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
                !same_tree(a->u.object.values[i], b->u.object.values[i]))
                return false;
        return true;
    case yajl_t_array:
        if (a->u.array.len != b->u.array.len)
            return false;
        for (size_t i = 0; i < a->u.array.len; i++)
            if (!same_tree(a->u.array.values[i], b->u.array.values[i]))
                return false;
        return true;
    default:
        return true;
    }
}

TEST(strings_keep_their_bytes_and_escapes)
{
    bool ok;
    _cleanup_free_ char *out =
        compact(" { \"a b\" :\t[ \"x  y\", \"q\\\" \\\\\" , \"\\\\\", \"\\u0020 \" ],\r\n"
                "  \"n\" : -1.5e3 , \"t\" : true }\n",
                &ok);
    CHECK(ok);
    CHECK_STREQ(out, "{\"a b\":[\"x  y\",\"q\\\" \\\\\",\"\\\\\",\"\\u0020 \"],\"n\":-1.5e3,"
                     "\"t\":true}");
}

TEST(comments_and_open_strings_are_left_alone)
{
    bool ok;
    free(compact("{\"a\": 1 // one\n, \"b\": 2}", &ok));
    CHECK(!ok);
    free(compact("{\"a\": /* x */ 1}", &ok));
    CHECK(!ok);
    free(compact("{\"a\": \"no end}", &ok));
    CHECK(!ok);
    /* a slash inside a string is no comment */
    _cleanup_free_ char *out = compact("{ \"p\": \"/a//b\" }", &ok);
    CHECK(ok);
    CHECK_STREQ(out, "{\"p\":\"/a//b\"}");
}

TEST(the_default_config_parses_to_the_same_tree)
{
    _cleanup_free_ char *json = NULL;
    size_t len = 0;
    _cleanup_error_ nk_error *err = NULL;
    CHECK(oci_spec_default(false, 0, 0, &json, &len, &err) == 0);
    _cleanup_free_ char *out = malloc(len + 1);
    size_t out_len = 0;
    CHECK(oci_json_compact(json, len, out, &out_len));
    /* the spec output is indented: at least a third of it goes */
    CHECK(out_len < len * 2 / 3);
    CHECK(memchr(out, '\n', out_len) == NULL);
    yajl_val a = parse(json, len), b = parse(out, out_len);
    CHECK(a != NULL && b != NULL);
    bool same = same_tree(a, b);
    jr_tree_free(a);
    jr_tree_free(b);
    CHECK(same);
}
