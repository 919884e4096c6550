/* The tree jr_parse builds (oci/json_read.c): yajl_tree's semantics, nodes
 * in an arena. */
#include <stdlib.h>
#include <string.h>

#include "oci/json_read.h"
#include "unit.h"

static yajl_val parse(const char *json)
{
    nk_error *e = NULL;
    const jr r = {.doc = "test.json", .err = &e};
    yajl_val v = NULL;
    if (jr_parse(&r, json, strlen(json), &v) < 0) {
        fprintf(stderr, "# %s\n", nk_error_text(e));
        nk_error_free(e);
        return NULL;
    }
    return v;
}

TEST(numbers_keep_their_text_and_yajl_flags)
{
    yajl_val t = parse("{\"i\": -12, \"d\": 1.5, \"big\": 1e400, \"huge\": 99999999999999999999, "
                       "\"min\": -9223372036854775808}");
    CHECK(t != NULL);
    yajl_val i = jr_get(t, "i"), d = jr_get(t, "d"), big = jr_get(t, "big");
    yajl_val huge = jr_get(t, "huge"), min = jr_get(t, "min");
    CHECK(YAJL_IS_INTEGER(i) && YAJL_GET_INTEGER(i) == -12 && YAJL_IS_DOUBLE(i));
    CHECK(!YAJL_IS_INTEGER(d) && YAJL_IS_DOUBLE(d) && YAJL_GET_DOUBLE(d) == 1.5);
    /* out of range for a double (ERANGE) and for a long long: neither flag */
    CHECK(!YAJL_IS_INTEGER(big) && !YAJL_IS_DOUBLE(big));
    CHECK_STREQ(YAJL_GET_NUMBER(big), "1e400");
    CHECK(!YAJL_IS_INTEGER(huge) && YAJL_IS_DOUBLE(huge));
    CHECK(YAJL_IS_INTEGER(min) && YAJL_GET_INTEGER(min) == (-9223372036854775807LL - 1));
    jr_tree_free(t);
}

TEST(last_duplicate_key_wins_comments_are_allowed_null_is_absent)
{
    yajl_val t = parse("/* c */ {\"a\": 1, \"a\": \"two\", // line\n \"n\": null, \"t\": true, "
                       "\"f\": false}");
    CHECK(t != NULL);
    CHECK(t->u.object.len == 5);
    CHECK_STREQ(YAJL_GET_STRING(jr_get(t, "a")), "two");
    CHECK(jr_get(t, "n") == NULL);
    CHECK(YAJL_IS_TRUE(jr_get(t, "t")) && YAJL_IS_FALSE(jr_get(t, "f")));
    jr_tree_free(t);
}

/* Members beyond the scratch arrays' first sizes, in order; empty containers
 * at every depth; a string larger than an arena block. */
TEST(big_and_empty_containers_and_big_strings)
{
    size_t n = 5000, big = 40000;
    char *json = malloc(n * 8 + big + 200);
    char *p = json;
    p += sprintf(p, "{\"e\": {}, \"ea\": [[], {}], \"s\": \"");
    memset(p, 'x', big);
    p += big;
    p += sprintf(p, "\", \"v\": [");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%zu", i ? "," : "", i);
    strcpy(p, "]}");
    yajl_val t = parse(json);
    free(json);
    CHECK(t != NULL);
    yajl_val e = jr_get(t, "e"), ea = jr_get(t, "ea"), s = jr_get(t, "s"), v = jr_get(t, "v");
    CHECK(YAJL_IS_OBJECT(e) && e->u.object.len == 0);
    CHECK(YAJL_IS_ARRAY(ea) && ea->u.array.len == 2);
    CHECK(YAJL_IS_ARRAY(ea->u.array.values[0]) && ea->u.array.values[0]->u.array.len == 0);
    CHECK(YAJL_IS_OBJECT(ea->u.array.values[1]) && ea->u.array.values[1]->u.object.len == 0);
    CHECK(YAJL_IS_STRING(s) && strlen(s->u.string) == big);
    CHECK(YAJL_IS_ARRAY(v) && v->u.array.len == n);
    bool in_order = true;
    for (size_t i = 0; i < n; i++)
        in_order = in_order && YAJL_GET_INTEGER(v->u.array.values[i]) == (long long)i;
    CHECK(in_order);
    jr_tree_free(t);
}

TEST(errors_are_yajls_first_line)
{
    nk_error *e = NULL;
    const jr r = {.doc = "test.json", .err = &e};
    yajl_val v = NULL;
    CHECK(jr_parse(&r, "{\"a\": [1, 2}", 12, &v) < 0);
    CHECK_STREQ(nk_error_text(e), "test.json: invalid JSON: parse error: after array element, "
                                  "I expect ',' or ']'");
    nk_error_freep(&e);
    CHECK(jr_parse(&r, "[1]", 3, &v) < 0);
    CHECK_STREQ(nk_error_text(e), "test.json: must be a JSON object");
    nk_error_free(e);
}
