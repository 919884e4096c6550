/* src/seccomp: the features object, name tables, and (below) compiling
 * profiles to BPF. */
#include <string.h>

#include "oci/json_write.h"
#include "seccomp/seccomp.h"
#include "unit.h"
#include "util/cleanup.h"

static char *features_json(void)
{
    jw w;
    char *out = NULL;
    size_t len = 0;
    _cleanup_error_ nk_error *err = NULL;
    jw_init(&w, NULL);
    nk_seccomp_features_write(&w);
    if (jw_finish(&w, &out, &len, &err) < 0)
        return NULL;
    return out;
}

TEST(features_object)
{
    _cleanup_free_ char *j = features_json();
    CHECK(j != NULL);
    CHECK_CONTAINS(j, "\"enabled\":true");
    CHECK_CONTAINS(j, "\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\","
                      "\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\","
                      "\"SCMP_ACT_NOTIFY\",\"SCMP_ACT_TRACE\",\"SCMP_ACT_TRAP\"]");
    CHECK_CONTAINS(j, "\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\","
                      "\"SCMP_CMP_LE\",\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]");
    /* x86_64, its 32-bit and x32 ABIs: every libseccomp since 2.0 has them */
    CHECK_CONTAINS(j, "\"SCMP_ARCH_X32\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\"]");
    CHECK_CONTAINS(j, "\"knownFlags\":[\"SECCOMP_FILTER_FLAG_LOG\","
                      "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\","
                      "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]");
    /* TSYNC and LOG are in every kernel nook runs on (4.14+) */
    CHECK_CONTAINS(j, "\"supportedFlags\":[\"SECCOMP_FILTER_FLAG_LOG\"");
    CHECK_CONTAINS(j, "\"SECCOMP_FILTER_FLAG_TSYNC\"");
}

TEST(lib_version)
{
    const char *v = nk_seccomp_lib_version();
    CHECK(v != NULL && strchr(v, '.') != NULL);
}
