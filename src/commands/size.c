#include "commands/size.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Multiplier for a suffix: "", "b", or one of k m g t p followed by nothing,
 * "b" or "ib". 0: not a suffix. */
static double suffix_multiplier(const char *sfx)
{
    static const char units[] = "kmgtp";
    if (*sfx == '\0' || strcasecmp(sfx, "b") == 0)
        return 1;
    const char *u = strchr(units, tolower((unsigned char)sfx[0]));
    if (u == NULL)
        return 0;
    const char *rest = sfx + 1;
    if (*rest != '\0' && strcasecmp(rest, "b") != 0 && strcasecmp(rest, "ib") != 0)
        return 0;
    return (double)(1ULL << (10 * (u - units + 1)));
}

int nk_parse_ram_size(const char *s, int64_t *out, nk_error **err)
{
    size_t n = strspn(s, "0123456789.");
    if (n == 0 || s[0] == '.')
        return nk_err(err, 0, "invalid size: '%s'", s);
    char num[64];
    if (n >= sizeof(num))
        return nk_err(err, 0, "invalid size: '%s': too large", s);
    memcpy(num, s, n);
    num[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (*end != '\0' || errno != 0)
        return nk_err(err, 0, "invalid size: '%s'", s);
    const char *sfx = s + n;
    if (*sfx == ' ')
        sfx++;
    double mult = suffix_multiplier(sfx);
    if (mult == 0)
        return nk_err(err, 0, "invalid suffix: '%s'", sfx);
    v *= mult;
    /* 2^63 itself does not fit */
    if (!(v < 9223372036854775808.0))
        return nk_err(err, 0, "invalid size: '%s': larger than %lld bytes", s,
                      (long long)INT64_MAX);
    *out = (int64_t)v;
    return 0;
}
