/* libFuzzer: a process.json as exec --process reads it. */
#include <stddef.h>
#include <stdint.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oci_process *p = NULL;
    nk_error *err = NULL;
    if (oci_process_parse((const char *)data, size, &p, &err) == 0)
        oci_process_free(p);
    nk_error_free(err);
    return 0;
}
