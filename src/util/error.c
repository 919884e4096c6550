#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

int nk_err(nk_error **err, int errnum, const char *fmt, ...)
{
    if (err == NULL || *err != NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    nk_error *e = xmalloc(sizeof(*e));
    e->errnum = errnum;
    e->msg = msg;
    *err = e;
    return -1;
}

int nk_err_wrap(nk_error **err, const char *fmt, ...)
{
    if (err == NULL || *err == NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *ctx = xvasprintf(fmt, ap);
    va_end(ap);
    char *msg = xasprintf("%s: %s", ctx, (*err)->msg);
    free(ctx);
    free((*err)->msg);
    (*err)->msg = msg;
    return -1;
}

const char *nk_error_text(nk_error *err)
{
    if (err == NULL)
        return "unknown error";
    if (err->errnum != 0) {
        char *full = xasprintf("%s: %s", err->msg, strerror(err->errnum));
        free(err->msg);
        err->msg = full;
        err->errnum = 0; /* folded into the text; keeps the call idempotent */
    }
    return err->msg;
}

void nk_error_free(nk_error *err)
{
    if (err == NULL)
        return;
    free(err->msg);
    free(err);
}

void nk_error_freep(nk_error **err)
{
    nk_error_free(*err);
    *err = NULL;
}
