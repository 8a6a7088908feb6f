/* The vnode command line (see cli.h): one table row per command, and the syntax of
 * the tools vnode replaces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "runtime.h"

const char cli_usage[] =
"usage: vnode [--home DIR] COMMAND [ARGS]\n"
"  boot NAME...           boot; return once its init reports up\n"
"  boot -f NAME           boot and stay attached to its console until it ends\n"
"  run NAME               boot in this process, which is then its monitor, until it ends\n"
"                         (for a service manager: vnode@.service; tells systemd when up)\n"
"  halt NAME...           clean poweroff; SIGKILL after STOP_TIMEOUT (default 30 s)\n"
"  kill NAME...           stop now and remove the vnode's writable state\n"
"  reboot NAME            reboot; return once it is up again\n"
"  status [--json] NAME   state, pids, uptime, interfaces, root, what it uses\n"
"  list [--json]          every vnode under VNODE_HOME\n"
"  exec [-e K=V] [-w DIR] NAME [CMD...]  run CMD (default /bin/sh) inside the vnode\n"
"  console [--force] NAME attach to its console (Ctrl-] three times detaches); --force\n"
"                         takes it over from the one attached\n"
"  log [--raw] [-f] NAME  the console log, its control sequences made harmless; -f follows\n"
"  wait NAME              wait until the vnode has stopped\n"
"  boot-all | halt-all | kill-all [-j N]   every vnode, N at a time (default: CPUs)\n"
"  wait-all               wait until no background bootvnodes run is left\n"
"VNODE_HOME defaults to " VNODE_HOME_DEFAULT "; a vnode is DIR/NAME/config (vnode.conf(5)).\n"
"Exit status: 0 ok, 1 the operation failed, 2 usage or config error.\n"
"Also installed as: pretend-boot NAME (= boot -f), bootvnodes [-b|-h|-k] [-f],\n"
"vnodesetup -j [-b|-h|-k] NAME.\n";

enum args { NAMES, ONE_NAME, NO_NAME, NAME_AND_REST, RAW };
enum { OPT_FG = 1, OPT_JSON = 2, OPT_JOBS = 4, OPT_EXEC = 8, OPT_LOG = 16, OPT_FORCE = 32 };

static const struct spec {
	const char *name;
	enum command cmd;
	enum verb verb;
	enum args args;
	unsigned opts;
	bool root;
} specs[] = {
	{ "boot",     CMD_BOOT,   VERB_BOOT,   NAMES,         OPT_FG,   true },
	{ "run",      CMD_RUN,    VERB_BOOT,   ONE_NAME,      0,        true },
	{ "halt",     CMD_STOP,   VERB_HALT,   NAMES,         0,        true },
	{ "kill",     CMD_STOP,   VERB_KILL,   NAMES,         0,        true },
	{ "reboot",   CMD_STOP,   VERB_REBOOT, ONE_NAME,      0,        true },
	{ "status",   CMD_STATUS, VERB_BOOT,   ONE_NAME,      OPT_JSON, false },
	{ "list",     CMD_LIST,   VERB_BOOT,   NO_NAME,       OPT_JSON, false },
	{ "exec",     CMD_EXEC,   VERB_BOOT,   NAME_AND_REST, OPT_EXEC, true },
	{ "wait",     CMD_WAIT,   VERB_BOOT,   ONE_NAME,      0,        false },
	{ "log",      CMD_LOG,    VERB_BOOT,   ONE_NAME,      OPT_LOG,  false },
	{ "console",  CMD_CONSOLE, VERB_BOOT,  ONE_NAME,      OPT_FORCE, true },
	{ "boot-all", CMD_ALL,    VERB_BOOT,   NO_NAME,       OPT_JOBS, true },
	{ "halt-all", CMD_ALL,    VERB_HALT,   NO_NAME,       OPT_JOBS, true },
	{ "kill-all", CMD_ALL,    VERB_KILL,   NO_NAME,       OPT_JOBS, true },
	{ "wait-all", CMD_WAIT_ALL, VERB_BOOT, NO_NAME,       0,        true },
	{ "__resume", CMD_RESUME, VERB_BOOT,   RAW,           0,        true },  /* vnode-monitor's */
};

static int bad(char *err, size_t errlen, const char *what, const char *arg)
{
	return vnode_err(err, errlen, EINVAL, "%s%s%s (see vnode --help)", arg ? arg : "",
			 arg ? ": " : "", what);
}

/* -j N or -jN at argv[*i]: 1 to 1024. */
static int parse_jobs(char **argv, int argc, int *i, unsigned *jobs, char *err, size_t errlen)
{
	const char *s = argv[*i][2] ? argv[*i] + 2 : *i + 1 < argc ? argv[++*i] : "";
	char *end;
	long n = strtol(s, &end, 10);
	if (!*s || *end || n < 1 || n > 1024)
		return bad(err, errlen, "-j wants a number from 1 to 1024", NULL);
	*jobs = (unsigned)n;
	return 0;
}

/* exec's -e KEY=VALUE and -w DIR, at argv[*i] (the value the next word). */
static int parse_exec_opt(char **argv, int argc, int *i, struct cli *c, char *err, size_t errlen)
{
	const char *o = argv[*i], *v = *i + 1 < argc ? argv[++*i] : NULL;
	if (!v)
		return bad(err, errlen, "wants a value", o);
	if (!strcmp(o, "-w")) {
		if (v[0] != '/')
			return bad(err, errlen, "-w wants an absolute directory", v);
		c->workdir = v;
		return 0;
	}
	const char *eq = strchr(v, '=');
	if (!eq || eq == v)
		return bad(err, errlen, "-e wants KEY=VALUE", v);
	if (c->nenv >= CLI_MAX_ENV)
		return bad(err, errlen, "too many -e (at most 32)", v);
	c->env[c->nenv++] = (char *)v;
	return 0;
}

/* The options a command takes, before its names; *i is left at the first name. */
static int parse_opts(const struct spec *s, int argc, char **argv, int *i, struct cli *c,
		      char *err, size_t errlen)
{
	for (; *i < argc && argv[*i][0] == '-' && s->args != RAW; ++*i) {
		const char *a = argv[*i];
		if ((s->opts & OPT_FG) && (!strcmp(a, "-f") || !strcmp(a, "--foreground")))
			c->foreground = true;
		else if ((s->opts & OPT_JSON) && !strcmp(a, "--json"))
			c->json = true;
		else if ((s->opts & OPT_LOG) && !strcmp(a, "--raw"))
			c->raw = true;
		else if ((s->opts & OPT_LOG) && !strcmp(a, "-f"))
			c->follow = true;
		else if ((s->opts & OPT_FORCE) && !strcmp(a, "--force"))
			c->force = true;
		else if ((s->opts & OPT_JOBS) && !strncmp(a, "-j", 2)) {
			if (parse_jobs(argv, argc, i, &c->jobs, err, errlen) < 0)
				return -EINVAL;
		} else if ((s->opts & OPT_EXEC) && (!strcmp(a, "-e") || !strcmp(a, "-w"))) {
			if (parse_exec_opt(argv, argc, i, c, err, errlen) < 0)
				return -EINVAL;
		} else if ((s->opts & OPT_JOBS) && !strcmp(a, "-f"))
			continue;  /* bootvnodes -f: foreground is all it knows */
		else
			return bad(err, errlen, "unknown option", a);
	}
	return 0;
}

static int count_ok(const struct spec *s, const struct cli *c, char *err, size_t errlen)
{
	char usage[64];
	snprintf(usage, sizeof(usage), "usage: vnode %s NAME%s", s->name,
		 s->args == NAME_AND_REST ? " [CMD...]" : "");
	if (s->args == NAMES && c->nnames < 1)
		return bad(err, errlen, "missing NAME", NULL);
	if (s->args == NAMES && c->foreground && c->nnames != 1)  /* the terminal is the one vnode's */
		return bad(err, errlen, "boot -f takes one NAME", NULL);
	if ((s->args == ONE_NAME || s->args == NAME_AND_REST) && c->nnames != 1)
		return bad(err, errlen, usage, NULL);
	if (s->args == NO_NAME && c->nnames)
		return bad(err, errlen, "takes no NAME", s->name);
	return 0;
}

static int parse_command(const struct spec *s, int argc, char **argv, struct cli *c, char *err,
			 size_t errlen)
{
	int i = 0;
	c->cmd = s->cmd;
	c->verb = s->verb;
	c->needs_root = s->root;
	if (parse_opts(s, argc, argv, &i, c, err, errlen) < 0)
		return -EINVAL;
	c->names = argv + i;
	c->nnames = s->args == RAW ? 0 : s->args == NAME_AND_REST ? (argc > i) : argc - i;
	c->rest = argv + i + c->nnames;
	c->nrest = argc - i - c->nnames;
	return count_ok(s, c, err, errlen);
}

/* Emulab's and subhost's names: pretend-boot NAME; bootvnodes [-b|-h|-k] [-f] (no action:
 * boot; in the background unless -f); vnodesetup -j [-b|-h|-k] NAME (a stop waited for
 * 30 s at most). See vnode(8), COMPATIBILITY. */
static int parse_compat(const char *prog, int argc, char **argv, struct cli *c, char *err,
			size_t errlen)
{
	static const struct { const char *flag; enum verb verb; } flags[] = {
		{ "-b", VERB_BOOT }, { "-h", VERB_HALT }, { "-k", VERB_KILL },
	};
	c->needs_root = true;
	c->verb = VERB_BOOT;
	if (!strcmp(prog, "pretend-boot")) {
		c->cmd = CMD_BOOT, c->foreground = true, c->names = argv + 1, c->nnames = argc - 1;
		return argc == 2 ? 0 : bad(err, errlen, "usage: pretend-boot NAME", NULL);
	}
	for (int i = 1; i < argc; i++) {
		unsigned k = 0;
		while (k < sizeof(flags) / sizeof(flags[0]) && strcmp(argv[i], flags[k].flag))
			k++;
		if (k < sizeof(flags) / sizeof(flags[0]))
			c->verb = flags[k].verb;
		else if (!strcmp(argv[i], "-f"))
			c->foreground = true;
		else if (!strcmp(argv[i], "-j"))
			continue;
		else if (argv[i][0] != '-' && !c->nnames)
			c->names = argv + i, c->nnames = 1;
		else
			return bad(err, errlen, "unknown argument", argv[i]);
	}
	if (!strcmp(prog, "bootvnodes")) {
		c->cmd = CMD_ALL, c->background = !c->foreground, c->foreground = false;
		return c->nnames ? bad(err, errlen, "takes no NAME", prog) : 0;
	}
	c->cmd = c->verb == VERB_BOOT ? CMD_BOOT : CMD_STOP;
	c->foreground = false, c->stop_wait = VNODESETUP_WAIT;
	return c->nnames ? 0 : bad(err, errlen, "usage: vnodesetup -j [-b|-h|-k] NAME", NULL);
}

static bool is_compat(const char *prog)
{
	return !strcmp(prog, "pretend-boot") || !strcmp(prog, "bootvnodes") ||
	       !strcmp(prog, "vnodesetup");
}

int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t errlen)
{
	const char *slash = strrchr(argv[0], '/'), *prog = slash ? slash + 1 : argv[0];
	int i = 1;
	memset(c, 0, sizeof(*c));
	if (is_compat(prog))
		return parse_compat(prog, argc, argv, c, err, errlen);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return c->cmd = CMD_HELP, 0;
		else if (!strcmp(argv[i], "--home") && i + 1 < argc)
			c->home = argv[++i];
		else if (!strncmp(argv[i], "--home=", 7))
			c->home = argv[i] + 7;
		else
			return bad(err, errlen, "unknown option", argv[i]);
	}
	if (i >= argc)
		return bad(err, errlen, "missing COMMAND", NULL);
	for (unsigned k = 0; k < sizeof(specs) / sizeof(specs[0]); k++)
		if (!strcmp(argv[i], specs[k].name))
			return parse_command(&specs[k], argc - i - 1, argv + i + 1, c, err, errlen);
	return bad(err, errlen, "unknown command", argv[i]);
}
