/* Sizes as runc's CLI reads them (docker/go-units RAMInBytes): "64m",
 * "1.5GiB", "512 KB", "1048576"; binary multiples, case-insensitive. */
#ifndef NOOK_COMMANDS_SIZE_H
#define NOOK_COMMANDS_SIZE_H

#include <stdint.h>

#include "util/error.h"

int nk_parse_ram_size(const char *s, int64_t *out, nk_error **err);

#endif
