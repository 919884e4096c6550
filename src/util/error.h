/* The one error convention: every fallible function returns a negative int and
 * fills *err; callers add context with nk_err_wrap; the CLI prints it once. */
#ifndef NOOK_UTIL_ERROR_H
#define NOOK_UTIL_ERROR_H

typedef struct nk_error {
    int errnum; /* errno of the root cause, 0 when there is none */
    char *msg;  /* full chain, outermost context first */
} nk_error;

/* Set *err (replacing nothing: an already set error is kept and the new text is
 * dropped, so the root cause wins). Returns -1. errnum may be 0. */
int nk_err(nk_error **err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix context to an existing error: "context: old message". Returns -1. */
int nk_err_wrap(nk_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "msg" or "msg: strerror(errnum)"; static-lifetime owned by err. */
const char *nk_error_text(nk_error *err);

void nk_error_free(nk_error *err);
void nk_error_freep(nk_error **err);

#define _cleanup_error_ __attribute__((cleanup(nk_error_freep)))

#endif
