/* libFuzzer: state.json as every command reads it back, then written out
 * again the way `state` and `list` print it. */
#include <stdlib.h>

#include "oci/state_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nk_state *s = NULL;
    nk_error *err = NULL;
    if (oci_state_parse((const char *)data, size, &s, &err) == 0) {
        char *out = NULL;
        size_t len = 0;
        if (oci_state_to_json(s, true, true, &out, &len, &err) == 0)
            free(out);
        nk_state_free(s);
    }
    nk_error_free(err);
    return 0;
}
