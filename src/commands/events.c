/* `nook events`: resource usage as JSON lines, and OOM notifications.
 * --stats prints one stats object and exits; otherwise a stats object every
 * --interval and an {"type":"oom"} line per OOM kill, until the container
 * stops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/args.h"
#include "container_ops.h"

/* A Go time.Duration as urfave/cli reads --interval: "5s", "250ms",
 * "1m30s", "1.5h". Milliseconds, rounded down. */
static int parse_duration(const char *s, long long *ms, nk_error **err)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
                 {"s", 1e3},   {"m", 6e4},   {"h", 3.6e6}};
    double total = 0;
    const char *p = s;
    if (*p == '\0')
        return nk_err(err, 0, "invalid value \"%s\" for flag -interval: parse error", s);
    while (*p != '\0') {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || *p == '-' || *p == '+')
            return nk_err(err, 0, "invalid value \"%s\" for flag -interval: parse error", s);
        p = end;
        size_t best = 0, which = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t n = strlen(units[i].unit);
            if (strncmp(p, units[i].unit, n) == 0 && n > best) {
                best = n;
                which = i;
            }
        }
        if (best == 0)
            return nk_err(err, 0, "invalid value \"%s\" for flag -interval: missing unit", s);
        total += v * units[which].ms;
        p += best;
    }
    if (total > 1e12)
        return nk_err(err, 0, "invalid value \"%s\" for flag -interval: too large", s);
    *ms = (long long)total;
    return 0;
}

static int cmd_events(nk_context *ctx, const nk_command *cmd, int argc, char **argv, nk_error **err)
{
    const char *interval = "5s";
    bool stats = false;
    const nk_flag flags[] = {
        {"interval", NULL, NK_FLAG_STRING, &interval, "value",
         "set the stats collection interval (default: 5s)"},
        {"stats", NULL, NK_FLAG_BOOL, &stats, NULL, "display the container's stats then exit"},
        {0},
    };
    _cleanup_args_ nk_args args = {0};
    int r = nk_args_parse(cmd, flags, argc, argv, &args, err);
    if (r != 0)
        return r < 0 ? r : 0;
    long long ms = 0;
    if (parse_duration(interval, &ms, err) < 0)
        return -1;
    if (ms <= 0 || ms > 24LL * 3600 * 1000)
        return nk_err(err, 0, "--interval must be greater than 0 and at most 24h");
    nk_events_opts o = {.stats_once = stats, .interval_ms = (int)ms, .out = stdout};
    return nk_container_events(ctx, args.v[0], &o, err) < 0 ? -1 : 0;
}

const nk_command nk_cmd_events = {
    .name = "events",
    .summary = "display container events and resource usage statistics",
    .args_usage = "<container-id>",
    .description =
        "   Prints one JSON object per line, in runc's shape:\n"
        "   {\"type\":\"stats\",\"id\":ID,\"data\":{\"cpu\":...,\"memory\":...,\"pids\":...}} "
        "every\n"
        "--interval, and {\"type\":\"oom\",\"id\":ID} whenever the kernel OOM-kills a process\n"
        "of the container, until the container stops. --stats prints the stats once.",
    .min_args = 1,
    .max_args = 1,
    .run = cmd_events,
};
