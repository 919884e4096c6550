/* Diagnostics: --log FILE, --log-format text|json, --debug.
 * JSON lines are what containerd's shim parses after a failure: one object a
 * line with "level", "msg" and an RFC 3339 "time", appended. */
#ifndef NOOK_LOG_H
#define NOOK_LOG_H

#include "context.h"
#include "util/error.h"

typedef enum nk_log_level { NK_LOG_DEBUG, NK_LOG_INFO, NK_LOG_WARN, NK_LOG_ERROR } nk_log_level;

/* Opens ctx->log_path (O_APPEND|O_CLOEXEC) if set. */
int nk_log_open(nk_context *ctx, nk_error **err);

void nk_log(const nk_context *ctx, nk_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define nk_debug(ctx, ...) nk_log((ctx), NK_LOG_DEBUG, __VA_ARGS__)
#define nk_warn(ctx, ...)  nk_log((ctx), NK_LOG_WARN, __VA_ARGS__)

/* The single place an error reaches the user: stderr and the log file. */
void nk_log_error(const nk_context *ctx, nk_error *err);

#endif
