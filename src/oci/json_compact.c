/* The config a container keeps in its state directory is read again by every
 * exec and delete; most of a pretty-printed config is indentation (the
 * default one with a seccomp profile: 18.4 KB as jq prints it, 9.0 KB
 * without), and yajl lexes every byte: 81 -> 56 us a parse here. Only the
 * bytes between tokens go; strings are copied as they are, escapes and all,
 * so the document means the same to any parser. */
#include "oci/json_compact.h"

bool oci_json_compact(const char *json, size_t len, char *out, size_t *out_len)
{
    size_t n = 0;
    bool in_string = false, escaped = false;
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '/') {
            return false;
        }
        out[n++] = c;
    }
    *out_len = n;
    return !in_string;
}
