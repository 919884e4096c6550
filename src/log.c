/* --log FILE / --log-format text|json / --debug.
 *
 * containerd's shim decodes the log file as a stream of JSON objects after a
 * failure and gives up on the whole file at the first bad line, so every line
 * written here must be one complete object with an RFC 3339 "time", and each
 * goes out in a single write() so that concurrent appenders never interleave.
 * JSON is escaped by hand: yajl stays inside src/oci/. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/xalloc.h"

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_putn(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), 0 when the bytes there are not one. */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* A quoted JSON string. Invalid UTF-8 becomes U+FFFD: Go's decoder would
 * accept the raw bytes, but other readers (jq, python) reject the line. The
 * same quoting serves the logrus-style text format. */
static void sb_put_quoted(strbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    sb_putn(b, "\"", 1);
    while (*s != '\0') {
        unsigned char c = *s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_putn(b, esc, 2);
            s++;
        } else if (c == '\n') {
            sb_puts(b, "\\n");
            s++;
        } else if (c == '\t') {
            sb_puts(b, "\\t");
            s++;
        } else if (c == '\r') {
            sb_puts(b, "\\r");
            s++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            sb_puts(b, esc);
            s++;
        } else if (c < 0x80) {
            sb_putn(b, (const char *)s, 1);
            s++;
        } else {
            size_t n = utf8_seq_len(s);
            if (n == 0) {
                sb_puts(b, "\\ufffd");
                s++;
            } else {
                sb_putn(b, (const char *)s, n);
                s += n;
            }
        }
    }
    sb_putn(b, "\"", 1);
}

/* RFC 3339 in UTC with nanoseconds: what Go's time.Time unmarshals. */
static void format_now(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

static const char *level_name(nk_log_level level)
{
    switch (level) {
    case NK_LOG_DEBUG:
        return "debug";
    case NK_LOG_INFO:
        return "info";
    case NK_LOG_WARN:
        return "warning";
    case NK_LOG_ERROR:
        break;
    }
    return "error";
}

static void format_line(strbuf *b, nk_log_format format, nk_log_level level, const char *msg)
{
    char now[64];
    format_now(now, sizeof(now));
    if (format == NK_LOG_JSON) {
        sb_puts(b, "{\"level\":\"");
        sb_puts(b, level_name(level));
        sb_puts(b, "\",\"msg\":");
        sb_put_quoted(b, msg);
        sb_puts(b, ",\"time\":\"");
        sb_puts(b, now);
        sb_puts(b, "\"}\n");
    } else {
        sb_puts(b, "time=\"");
        sb_puts(b, now);
        sb_puts(b, "\" level=");
        sb_puts(b, level_name(level));
        sb_puts(b, " msg=");
        sb_put_quoted(b, msg);
        sb_puts(b, "\n");
    }
}

int nk_log_open(nk_context *ctx, nk_error **err)
{
    if (ctx->log_path == NULL || ctx->log_path[0] == '\0')
        return 0;
    int fd = open(ctx->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return nk_err(err, errno, "open log file %s", ctx->log_path);
    ctx->log_fd = fd;
    return 0;
}

static void log_write(const nk_context *ctx, nk_log_level level, const char *msg)
{
    strbuf b = {0};
    format_line(&b, ctx->log_format, level, msg);
    /* Without --log, diagnostics go to stderr in the chosen format, as runc's do. */
    (void)nk_write_all(ctx->log_fd >= 0 ? ctx->log_fd : STDERR_FILENO, b.s, b.len);
    free(b.s);
}

void nk_log(const nk_context *ctx, nk_log_level level, const char *fmt, ...)
{
    if (level == NK_LOG_DEBUG && !ctx->debug)
        return;
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    log_write(ctx, level, msg);
    errno = saved;
}

/* An error is one line even when it quotes input with newlines in it
 * (an id, a path): control characters are written as \n, \r, \x1b... */
static char *one_line(const char *text)
{
    char *out = xmalloc(strlen(text) * 4 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n')
            o += sprintf(o, "\\n");
        else if (*p == '\r')
            o += sprintf(o, "\\r");
        else if (*p < 0x20 || *p == 0x7f)
            o += sprintf(o, "\\x%02x", *p);
        else
            *o++ = (char)*p;
    }
    *o = '\0';
    return out;
}

void nk_log_error(const nk_context *ctx, nk_error *err)
{
    _cleanup_free_ char *text = one_line(err != NULL ? nk_error_text(err) : "unknown error");
    /* stderr gets the bare message (callers append it to their own error);
     * the log file gets the structured line the shim looks for. */
    _cleanup_free_ char *line = xasprintf("nook: %s\n", text);
    (void)nk_write_all(STDERR_FILENO, line, strlen(line));
    if (ctx->log_fd >= 0)
        log_write(ctx, NK_LOG_ERROR, text);
}
