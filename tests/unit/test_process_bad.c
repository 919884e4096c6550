/* Malformed process.json documents (what exec --process reads): each is
 * refused by oci_process_parse with one line naming the JSON path. */
#include <string.h>

#include "oci/config.h"
#include "unit.h"

static const struct {
    const char *json;
    const char *expect;
} rows[] = {
    {"", "invalid JSON"},
    {"[]", "must be a JSON object"},
    {"{\"args\": [\"/bin/sh\"], \"cwd\": \"/\"", "invalid JSON"},
    {"{\"cwd\": \"/\"}", "args"},
    {"{\"args\": [], \"cwd\": \"/\"}", "args"},
    {"{\"args\": \"sh\", \"cwd\": \"/\"}", "args"},
    {"{\"args\": [1], \"cwd\": \"/\"}", "args[0]"},
    {"{\"args\": [\"sh\"], \"cwd\": \"tmp\"}", "cwd"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [5]}", "env[0]"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": -1}}", "user.uid"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 1.5}}", "user.gid"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"terminal\": \"yes\"}", "terminal"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"capabilities\": {\"bounding\": [1]}}",
     "capabilities.bounding[0]"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_X\", \"soft\": 1, "
     "\"hard\": 1}]}",
     "rlimits[0].type"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": "
     "2, "
     "\"hard\": 1}]}",
     "rlimits[0].soft"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"oomScoreAdj\": 1001}", "oomScoreAdj"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"noNewPrivileges\": 1}", "noNewPrivileges"},
    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"consoleSize\": {\"height\": -1, \"width\": 1}}",
     "consoleSize.height"},
};

TEST(bad_process_documents_are_refused_naming_the_path)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        oci_process *p = NULL;
        nk_error *err = NULL;
        int r = oci_process_parse(rows[i].json, strlen(rows[i].json), &p, &err);
        CHECK(r < 0);
        if (r == 0) {
            oci_process_free(p);
            continue;
        }
        CHECK_CONTAINS(nk_error_text(err), rows[i].expect);
        CHECK(strchr(nk_error_text(err), '\n') == NULL);
        nk_error_free(err);
    }
}
