/* JSON text without the whitespace between tokens. */
#ifndef NOOK_OCI_JSON_COMPACT_H
#define NOOK_OCI_JSON_COMPACT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies json[0..len) to out (room for len bytes) without the whitespace
 * outside strings, and sets *out_len. False, and out unspecified, when the
 * text has a comment (yajl takes them; a line comment needs its newline) or
 * a string that does not end: the caller keeps the text as it is. */
bool oci_json_compact(const char *json, size_t len, char *out, size_t *out_len);

#endif
