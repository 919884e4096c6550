/* Checks a parsed config against what a container needs and what this nook
 * implements. The parser checks shape and types; this checks meaning. */
#ifndef NOOK_VALIDATE_H
#define NOOK_VALIDATE_H

#include <stdbool.h>

#include "oci/config.h"
#include "util/error.h"

/* console_socket: whether the caller gave --console-socket;
 * foreground: `run` without --detach. */
int nk_validate_config(const oci_config *c, bool console_socket, bool foreground, nk_error **err);

#endif
