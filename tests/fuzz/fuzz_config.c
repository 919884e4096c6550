/* libFuzzer: config.json through the parser and the meaning checks. */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oci_config *c = NULL;
    nk_error *err = NULL;
    if (oci_config_parse((const char *)data, size, &c, &err) == 0) {
        (void)nk_validate_config(c, false, true, &err);
        nk_error_free(err);
        err = NULL;
        (void)nk_validate_config(c, true, false, &err);
    }
    nk_error_free(err);
    oci_config_free(c);
    return 0;
}
