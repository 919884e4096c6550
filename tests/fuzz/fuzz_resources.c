/* libFuzzer: linux.resources as update --resources reads it. */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oci_resources *r = NULL;
    nk_error *err = NULL;
    if (oci_resources_parse((const char *)data, size, &r, &err) == 0)
        oci_resources_free(r);
    nk_error_free(err);
    return 0;
}
