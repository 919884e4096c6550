/* The CLI's pure parts: signal names, runc-compatible flag parsing and the
 * log line format. No root needed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands/args.h"
#include "log.h"
#include "unit.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/signals.h"

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))

static int sig_of(const char *s)
{
    _cleanup_error_ nk_error *err = NULL;
    int sig = -1;
    if (nk_signal_parse(s, &sig, &err) < 0)
        return -1;
    return sig;
}

TEST(signal_names_any_case_with_or_without_prefix)
{
    CHECK(sig_of("KILL") == SIGKILL);
    CHECK(sig_of("SIGKILL") == SIGKILL);
    CHECK(sig_of("sigkill") == SIGKILL);
    CHECK(sig_of("term") == SIGTERM);
    CHECK(sig_of("SigUsr1") == SIGUSR1);
    CHECK(sig_of("CHLD") == SIGCHLD);
    CHECK(sig_of("CLD") == SIGCHLD);
    CHECK(sig_of("IOT") == SIGABRT);
    CHECK(sig_of("WINCH") == SIGWINCH);
}

TEST(signal_numbers_1_to_64)
{
    CHECK(sig_of("9") == 9);
    CHECK(sig_of("1") == 1);
    CHECK(sig_of("64") == 64);
    CHECK(sig_of("0") == -1);
    CHECK(sig_of("65") == -1);
    CHECK(sig_of("-9") == -1);
    CHECK(sig_of("9x") == -1);
    CHECK(sig_of("") == -1);
    CHECK(sig_of("99999999999999999999") == -1);
}

TEST(signal_realtime)
{
    CHECK(sig_of("RTMIN") == SIGRTMIN);
    CHECK(sig_of("SIGRTMIN+1") == SIGRTMIN + 1);
    CHECK(sig_of("rtmin+3") == SIGRTMIN + 3);
    CHECK(sig_of("RTMAX") == SIGRTMAX);
    CHECK(sig_of("RTMAX-2") == SIGRTMAX - 2);
    CHECK(sig_of("RTMIN+99") == -1);
    CHECK(sig_of("RTMIN-1") == -1);
    CHECK(sig_of("RTMAX+1") == -1);
    CHECK(sig_of("RTMIN+") == -1);
}

TEST(signal_unknown_worded_like_runc)
{
    _cleanup_error_ nk_error *err = NULL;
    int sig;
    CHECK(nk_signal_parse("FOO", &sig, &err) < 0);
    CHECK_STREQ(nk_error_text(err), "unknown signal \"FOO\"");
}

TEST(signal_name_round_trip)
{
    char buf[32];
    CHECK_STREQ(nk_signal_name(SIGKILL, buf, sizeof(buf)), "SIGKILL");
    CHECK_STREQ(nk_signal_name(SIGRTMIN + 2, buf, sizeof(buf)), "SIGRTMIN+2");
    CHECK(nk_signal_name(0, buf, sizeof(buf)) == NULL);
}

/* A command shaped like `create`, with one flag of each kind. */
static const nk_command test_cmd = {
    .name = "create", .summary = "s", .args_usage = "<id>", .min_args = 1, .max_args = 1};
static const nk_command test_exec = {
    .name = "exec", .summary = "s", .min_args = 1, .max_args = -1, .stop_at_positional = true};

typedef struct opts {
    const char *bundle;
    bool detach;
    int fds;
    int rootless;
} opts;

static int parse(const nk_command *cmd, opts *o, int argc, char **argv, nk_args *a, nk_error **err)
{
    *o = (opts){.rootless = -1};
    const nk_flag flags[] = {
        {"bundle", "b", NK_FLAG_STRING, &o->bundle, NULL, "bundle"},
        {"detach", "d", NK_FLAG_BOOL, &o->detach, NULL, "detach"},
        {"preserve-fds", NULL, NK_FLAG_INT, &o->fds, NULL, "fds"},
        {"rootless", NULL, NK_FLAG_TRISTATE, &o->rootless, NULL, "rootless"},
        {0},
    };
    return nk_args_parse(cmd, flags, argc, argv, a, err);
}

TEST(args_every_go_spelling)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_cmd, &o, ARGC("create", "-b", "/x", "--preserve-fds=3", "-detach", "id"),
                ARGV("create", "-b", "/x", "--preserve-fds=3", "-detach", "id"), &a, &err) == 0);
    CHECK_STREQ(o.bundle, "/x");
    CHECK(o.fds == 3);
    CHECK(o.detach);
    CHECK(a.n == 1);
    CHECK_STREQ(a.v[0], "id");
}

TEST(args_single_dash_long_and_equals)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_cmd, &o,
                ARGC("create", "-bundle=/y", "--d=true", "-preserve-fds", "0x10", "id"),
                ARGV("create", "-bundle=/y", "--d=true", "-preserve-fds", "0x10", "id"), &a,
                &err) == 0);
    CHECK_STREQ(o.bundle, "/y");
    CHECK(o.detach);
    CHECK(o.fds == 16);
}

TEST(args_bool_false_and_last_wins)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_cmd, &o, ARGC("create", "-d", "--detach=false", "-b", "1", "-b=2", "id"),
                ARGV("create", "-d", "--detach=false", "-b", "1", "-b=2", "id"), &a, &err) == 0);
    CHECK(!o.detach);
    CHECK_STREQ(o.bundle, "2");
}

TEST(args_known_flags_after_positional_are_flags)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    /* runc: `delete ID -f` works (urfave/cli reorders known flags). */
    CHECK(parse(&test_cmd, &o, ARGC("create", "id", "-d", "--bundle", "/z"),
                ARGV("create", "id", "-d", "--bundle", "/z"), &a, &err) == 0);
    CHECK(o.detach);
    CHECK_STREQ(o.bundle, "/z");
    CHECK(a.n == 1);
}

TEST(args_unknown_after_positional_stays_positional)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_cmd, &o, ARGC("create", "id", "--bogus"), ARGV("create", "id", "--bogus"), &a,
                &err) < 0);
    CHECK_STREQ(nk_error_text(err), "\"create\" requires exactly 1 argument(s)");
}

TEST(args_stop_at_positional_keeps_command_flags)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_exec, &o, ARGC("exec", "-d", "id", "sh", "-d", "--bogus"),
                ARGV("exec", "-d", "id", "sh", "-d", "--bogus"), &a, &err) == 0);
    CHECK(o.detach);
    CHECK(a.n == 4);
    CHECK_STREQ(a.v[0], "id");
    CHECK_STREQ(a.v[2], "-d");
    CHECK_STREQ(a.v[3], "--bogus");
}

TEST(args_double_dash_ends_flags)
{
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    CHECK(parse(&test_cmd, &o, ARGC("create", "--", "-d"), ARGV("create", "--", "-d"), &a, &err) ==
          0);
    CHECK(!o.detach);
    CHECK(a.n == 1);
    CHECK_STREQ(a.v[0], "-d");
}

static const char *parse_error(int argc, char **argv)
{
    static char text[256];
    _cleanup_error_ nk_error *err = NULL;
    _cleanup_args_ nk_args a = {0};
    opts o;
    if (parse(&test_cmd, &o, argc, argv, &a, &err) >= 0)
        return "(no error)";
    snprintf(text, sizeof(text), "%s", nk_error_text(err));
    return text;
}

TEST(args_errors_worded_like_go)
{
    CHECK_STREQ(parse_error(ARGC("create", "--bogus", "id"), ARGV("create", "--bogus", "id")),
                "flag provided but not defined: -bogus");
    CHECK_STREQ(parse_error(ARGC("create", "-x=1", "id"), ARGV("create", "-x=1", "id")),
                "flag provided but not defined: -x");
    CHECK_STREQ(parse_error(ARGC("create", "id", "-b"), ARGV("create", "id", "-b")),
                "flag needs an argument: -b");
    CHECK_STREQ(parse_error(ARGC("create", "-d=maybe", "id"), ARGV("create", "-d=maybe", "id")),
                "invalid boolean value \"maybe\" for -d: parse error");
    CHECK_STREQ(parse_error(ARGC("create", "--preserve-fds", "x", "id"),
                            ARGV("create", "--preserve-fds", "x", "id")),
                "invalid value \"x\" for flag -preserve-fds: parse error");
    CHECK_STREQ(parse_error(ARGC("create", "---d", "id"), ARGV("create", "---d", "id")),
                "bad flag syntax: ---d");
    CHECK_STREQ(parse_error(ARGC("create"), ARGV("create")),
                "\"create\" requires exactly 1 argument(s)");
}

TEST(args_count_min_max_wording)
{
    static const nk_command kill_cmd = {
        .name = "kill", .summary = "s", .min_args = 1, .max_args = 2};
    const nk_flag none[] = {{0}};
    _cleanup_error_ nk_error *e1 = NULL, *e2 = NULL;
    _cleanup_args_ nk_args a = {0};
    CHECK(nk_args_parse(&kill_cmd, none, ARGC("kill"), ARGV("kill"), &a, &e1) < 0);
    CHECK_STREQ(nk_error_text(e1), "\"kill\" requires a minimum of 1 argument(s)");
    CHECK(nk_args_parse(&kill_cmd, none, ARGC("kill", "a", "b", "c"), ARGV("kill", "a", "b", "c"),
                        &a, &e2) < 0);
    CHECK_STREQ(nk_error_text(e2), "\"kill\" requires a maximum of 2 argument(s)");
}

TEST(args_global_rootless_bare_or_valued)
{
    _cleanup_args_ nk_args a = {0}, b = {0}, c = {0};
    _cleanup_error_ nk_error *err = NULL;
    opts o;
    /* Global parsing (cmd NULL) stops at the command name. */
    CHECK(parse(NULL, &o, ARGC("nook", "--rootless", "list", "-d"),
                ARGV("nook", "--rootless", "list", "-d"), &a, &err) == 0);
    CHECK(o.rootless == 1);
    CHECK(!o.detach);
    CHECK(a.n == 2);
    CHECK_STREQ(a.v[0], "list");
    CHECK(parse(NULL, &o, ARGC("nook", "--rootless", "false", "list"),
                ARGV("nook", "--rootless", "false", "list"), &b, &err) == 0);
    CHECK(o.rootless == 0);
    CHECK(b.n == 1);
    CHECK(parse(NULL, &o, ARGC("nook", "--rootless=auto", "list"),
                ARGV("nook", "--rootless=auto", "list"), &c, &err) == 0);
    CHECK(o.rootless == -1);
}

TEST(args_help_flag)
{
    _cleanup_args_ nk_args a = {0};
    _cleanup_error_ nk_error *err = NULL;
    opts o;
    CHECK(parse(NULL, &o, ARGC("nook", "-h"), ARGV("nook", "-h"), &a, &err) == NK_ARGS_HELP);
    CHECK(parse(NULL, &o, ARGC("nook", "--help"), ARGV("nook", "--help"), &a, &err) ==
          NK_ARGS_HELP);
}

TEST(parse_bool_go_spellings)
{
    bool b = false;
    CHECK(nk_parse_bool("T", &b) == 0 && b);
    CHECK(nk_parse_bool("1", &b) == 0 && b);
    CHECK(nk_parse_bool("False", &b) == 0 && !b);
    CHECK(nk_parse_bool("yes", &b) < 0);
}

/* What nk_log writes for msg, read back from a memfd. */
static char *log_line(nk_log_format format, nk_log_level level, bool debug, const char *msg)
{
    int fd = memfd_create("log", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    nk_context ctx = {.log_fd = fd, .log_format = format, .debug = debug};
    nk_log(&ctx, level, "%s", msg);
    char *out = NULL;
    size_t len;
    lseek(fd, 0, SEEK_SET);
    _cleanup_error_ nk_error *err = NULL;
    if (nk_read_fd(fd, &out, &len, &err) < 0)
        out = NULL;
    close(fd);
    return out;
}

TEST(log_json_line_shape)
{
    _cleanup_free_ char *l = log_line(NK_LOG_JSON, NK_LOG_WARN, false, "hello");
    CHECK(l != NULL);
    CHECK(strncmp(l, "{\"level\":\"warning\",\"msg\":\"hello\",\"time\":\"", 41) == 0);
    /* 2026-01-02T03:04:05.123456789Z */
    const char *t = l + 41;
    CHECK(strlen(t) == 30 + 3);
    CHECK(t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[19] == '.');
    CHECK(strcmp(t + 29, "Z\"}\n") == 0);
}

TEST(log_json_escapes_everything_a_decoder_rejects)
{
    _cleanup_free_ char *l =
        log_line(NK_LOG_JSON, NK_LOG_ERROR, false, "a\"b\\c\nd\te\x01\x7f\xff\xc3\xa9\xe2\x82");
    CHECK(l != NULL);
    CHECK_CONTAINS(l, "\"msg\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\\ufffd\xc3\xa9\\ufffd\\ufffd\"");
}

TEST(log_text_like_logrus)
{
    _cleanup_free_ char *l = log_line(NK_LOG_TEXT, NK_LOG_ERROR, false, "no \"x\"");
    CHECK(l != NULL);
    CHECK(strncmp(l, "time=\"", 6) == 0);
    CHECK_CONTAINS(l, "Z\" level=error msg=\"no \\\"x\\\"\"\n");
}

TEST(log_debug_only_with_debug)
{
    _cleanup_free_ char *quiet = log_line(NK_LOG_JSON, NK_LOG_DEBUG, false, "d");
    _cleanup_free_ char *loud = log_line(NK_LOG_JSON, NK_LOG_DEBUG, true, "d");
    CHECK(quiet != NULL && quiet[0] == '\0');
    CHECK(loud != NULL);
    CHECK_CONTAINS(loud, "\"level\":\"debug\"");
}
