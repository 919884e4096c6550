/* "0-3,7,9-11": the list syntax of execCPUAffinity and memoryPolicy.nodes
 * (cpuset's), parsed into a bit mask. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "process/internal.h"

static int parse_num(const char **s, unsigned long *out)
{
    if (**s < '0' || **s > '9')
        return -1;
    char *end;
    errno = 0;
    *out = strtoul(*s, &end, 10);
    if (errno != 0)
        return -1;
    *s = end;
    return 0;
}

int nk_parse_id_list(const char *list, unsigned long *mask, size_t nbits, const char *path,
                     nk_error **err)
{
    size_t words = (nbits + NK_BITS_PER_WORD - 1) / NK_BITS_PER_WORD;
    memset(mask, 0, words * sizeof(unsigned long));
    const char *s = list;
    bool any = false;
    while (*s != '\0') {
        unsigned long lo, hi;
        if (parse_num(&s, &lo) < 0)
            goto bad;
        hi = lo;
        if (*s == '-') {
            s++;
            if (parse_num(&s, &hi) < 0 || hi < lo)
                goto bad;
        }
        if (hi >= nbits)
            return nk_err(err, 0, "config.json: %s: %lu is out of range (max %zu)", path, hi,
                          nbits - 1);
        for (unsigned long i = lo; i <= hi; i++)
            mask[i / NK_BITS_PER_WORD] |= 1UL << (i % NK_BITS_PER_WORD);
        any = true;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            goto bad;
    }
    if (any)
        return 0;
bad:
    return nk_err(err, 0, "config.json: %s: bad list \"%s\" (want e.g. \"0-3,7\")", path, list);
}
