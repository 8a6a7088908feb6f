/* Command-line parsing into struct opts: pure, no side effects, unit-tested. */
#include <string.h>
#include "shared.h"
#include "vinit.h"

const char vinit_usage[] =
"usage: vinit [OPTIONS] [-- CMD [ARG...]]\n"
"A small PID 1 for vnodes, jails and containers: it mounts /proc, /sys, /dev/pts,\n"
"/dev/shm and /run where missing, runs the image's rc, reaps every zombie, listens\n"
"on /run/initctl (sysvinit's protocol) and shuts everything down on request.\n"
"\n"
"  -g, --grace SECONDS     TERM-to-KILL grace period at shutdown (default 5)\n"
"      --rc CMD            boot with `/bin/sh -c CMD` instead of the image's rc\n"
"      --rc-shutdown CMD   shut down with `/bin/sh -c CMD` instead of the image's\n"
"      --rc-timeout SECONDS  bound on the shutdown script (default 10)\n"
"      --no-rc             run no boot or shutdown script\n"
"      --ready-fd N        write \"up\" to fd N once rc has started, then close it\n"
"      --hold-fd N         keep fd N open as long as vinit runs, and from its children\n"
"                          (a launcher's loop devices; up to 16 times)\n"
"  -q, --quiet             log errors only\n"
"  -h, --help              this text\n"
"  -V, --version           the version\n"
"  -- CMD [ARG...]         command mode: CMD is the main process; when it exits,\n"
"                          the rest get TERM, grace, KILL, and vinit exits with\n"
"                          CMD's status (or 128+signal)\n"
"\n"
"Boot scripts: /etc/rc if present; else /etc/init.d/rcS then /etc/init.d/rc 2.\n"
"Shutdown script: /etc/rc.shutdown; else /etc/init.d/rc 0 (rc 6 to reboot).\n"
"\n"
"Stop requests            from outside (si_pid 0)   from inside the vnode\n"
"  SIGTERM                poweroff                  reboot   (busybox reboot)\n"
"  SIGUSR1                poweroff                  halt     (busybox halt)\n"
"  SIGUSR2                poweroff                  poweroff (busybox poweroff)\n"
"  SIGPWR                 poweroff                  poweroff\n"
"  SIGRTMIN+3 (37)        poweroff                  halt\n"
"  SIGRTMIN+4 (38)        poweroff                  poweroff\n"
"  SIGINT, SIGRTMIN+5 (39) reboot                   reboot\n"
"  /run/initctl runlevel 0 poweroff (halt with INIT_HALT=HALT), 6 reboot;\n"
"  any other bytes written there: poweroff.\n"
"RTMIN+n are numbered as glibc-built managers send them (glibc SIGRTMIN = 34).\n"
"When vinit is not PID 1, every signal counts as from outside.\n"
"\n"
"Shutdown: the shutdown script (bounded), then TERM+CONT to every process, reap until\n"
"none is left or the grace ends, KILL the rest, sync (only as the machine's PID 1).\n"
"In a pid namespace vinit then calls reboot(2), so its parent sees it killed by SIGINT\n"
"(poweroff, halt) or SIGHUP (reboot). Where reboot(2) is refused (no CAP_SYS_BOOT)\n"
"it exits: 0 for poweroff or halt, 129 for reboot. Exit 1: start-up failed; 2: bad\n"
"command line.\n";

static bool arg_is(const char *a, const char *shrt, const char *lng)
{
	return (shrt && strcmp(a, shrt) == 0) || strcmp(a, lng) == 0;
}

/* "5", "0.25", "1.5": seconds with up to three decimals, into milliseconds. */
static int parse_seconds(const char *s, unsigned *ms)
{
	unsigned long whole = 0, frac = 0, scale = 1000;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((whole = whole * 10 + (unsigned long)(*p - '0')) > VNODE_MAX_SECONDS)
			return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++)
			frac += (unsigned long)(*p - '0') * (scale /= 10);
	if (*p)
		return -1;
	*ms = (unsigned)(whole * 1000 + frac);
	return 0;
}

static int parse_fd(const char *s, int *fd)
{
	unsigned ms;
	if (strchr(s, '.') || parse_seconds(s, &ms) || ms > 65535 * 1000u)
		return -1;
	*fd = (int)(ms / 1000);
	return 0;
}

/* Words the kernel or a sysvinit tool may hand to init; vinit has no runlevels. */
static bool is_runlevel_word(const char *a)
{
	static const char *const words[] = { "single", "emergency", "auto", "-s", "-b" };
	if (a[0] && !a[1] && strchr("0123456sS", a[0]))
		return true;
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(a, words[i]) == 0)
			return true;
	return false;
}

static int bad(char *err, size_t errlen, const char *what, const char *arg)
{
	fmt(err, errlen, "%s: %s (see vinit --help)", arg, what);
	return -1;
}

/* An option that takes a value; -1 with err filled when the value is bad. */
static int set_value(struct opts *o, const char *a, const char *val, char *err, size_t errlen)
{
	if (arg_is(a, "-g", "--grace")) {
		if (parse_seconds(val, &o->grace_ms))
			return bad(err, errlen, "not a number of seconds (" VNODE_SECONDS_RANGE ")", val);
	} else if (arg_is(a, NULL, "--rc-timeout")) {
		if (parse_seconds(val, &o->rc_timeout_ms))
			return bad(err, errlen, "not a number of seconds (" VNODE_SECONDS_RANGE ")", val);
	} else if (arg_is(a, NULL, "--rc")) {
		o->rc_cmd = val;
	} else if (arg_is(a, NULL, "--rc-shutdown")) {
		o->rc_shutdown_cmd = val;
	} else if (arg_is(a, NULL, "--ready-fd")) {
		if (parse_fd(val, &o->ready_fd))
			return bad(err, errlen, "not a file descriptor number", val);
	} else if (arg_is(a, NULL, "--hold-fd")) {
		if (o->nhold >= VINIT_MAX_HOLD)
			return bad(err, errlen, "given more than 16 times", a);
		if (parse_fd(val, &o->hold_fd[o->nhold++]))
			return bad(err, errlen, "not a file descriptor number", val);
	}
	return 0;
}

int parse_args(int argc, char *const argv[], struct opts *o, char *err, size_t errlen)
{
	*o = (struct opts){ .grace_ms = VINIT_DEFAULT_GRACE_MS,
			    .rc_timeout_ms = VINIT_DEFAULT_RC_TIMEOUT_MS, .ready_fd = -1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
		char name[32];
		if (eq && (size_t)(eq - a) < sizeof(name)) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			a = name;
			val = eq + 1;
		}
		bool takes = arg_is(a, "-g", "--grace") || arg_is(a, NULL, "--rc") ||
			     arg_is(a, NULL, "--rc-shutdown") || arg_is(a, NULL, "--rc-timeout") ||
			     arg_is(a, NULL, "--ready-fd") || arg_is(a, NULL, "--hold-fd");
		if (takes && !val) {
			if (i + 1 >= argc)
				return bad(err, errlen, "needs a value", a);
			val = argv[++i];
		} else if (!takes && val) {
			return bad(err, errlen, "takes no value", a);
		}
		if (strcmp(a, "--") == 0) {
			if (i + 1 >= argc)
				return bad(err, errlen, "needs a command after it", a);
			o->cmd = &argv[i + 1];
			return 0;
		} else if (arg_is(a, "-h", "--help")) {
			o->help = true;
		} else if (arg_is(a, "-V", "--version")) {
			o->version = true;
		} else if (arg_is(a, "-q", "--quiet")) {
			o->quiet = true;
		} else if (arg_is(a, NULL, "--no-rc")) {
			o->no_rc = true;
		} else if (takes) {
			if (set_value(o, a, val, err, errlen) < 0)
				return -1;
		} else if (!is_runlevel_word(a)) {
			return bad(err, errlen, a[0] == '-' ? "unknown option"
				   : "unexpected argument (put a command after --)", a);
		}
	}
	return 0;
}
