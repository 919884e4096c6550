/* libFuzzer: config.json through the parser and the meaning checks; a
 * config that parses parses again once compacted (the copy a container keeps,
 * oci/json_compact.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "oci/config.h"
#include "oci/json_compact.h"
#include "validate.h"

static void compacted_parses_too(const uint8_t *data, size_t size)
{
    char *out = malloc(size + 1);
    size_t len = 0;
    if (out != NULL && oci_json_compact((const char *)data, size, out, &len)) {
        oci_config *c = NULL;
        nk_error *err = NULL;
        if (len > size || oci_config_parse(out, len, &c, &err) != 0)
            abort(); /* the compacted copy lost the document */
        oci_config_free(c);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oci_config *c = NULL;
    nk_error *err = NULL;
    if (oci_config_parse((const char *)data, size, &c, &err) == 0) {
        compacted_parses_too(data, size);
        (void)nk_validate_config(c, false, true, &err);
        nk_error_free(err);
        err = NULL;
        (void)nk_validate_config(c, true, false, &err);
    }
    nk_error_free(err);
    oci_config_free(c);
    return 0;
}
