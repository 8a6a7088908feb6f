/* vnode: boot, watch, halt, kill and reboot vnodes; also answers to the names of
 * the tools it replaces (pretend-boot, bootvnodes, vnodesetup). The command line is
 * parsed by cli.c; each command below runs it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "handoff.h"
#include "vnode.h"

/* The worst exit status of fn over every NAME. */
static int each(const struct cli *c, int (*fn)(const struct cli *, const char *))
{
	int r = EXIT_OK;
	for (int i = 0; i < c->nnames; i++) {
		int one = fn(c, c->names[i]);
		if (one > r)
			r = one;
	}
	return r;
}

static int boot_one(const struct cli *c, const char *name) { return cmd_boot(name, c->foreground, false); }
static int stop_one(const struct cli *c, const char *name) { return cmd_stop(name, c->verb, c->stop_wait); }

static int run_help(const struct cli *c) { (void)c; return fputs(cli_usage, stdout) < 0 ? EXIT_FAILED : EXIT_OK; }
static int run_boot(const struct cli *c) { return each(c, boot_one); }
static int run_stop(const struct cli *c) { return each(c, stop_one); }
static int run_run(const struct cli *c) { return cmd_boot(c->names[0], false, true); }
static int run_status(const struct cli *c) { return cmd_status(c->names[0], c->json); }
static int run_list(const struct cli *c) { return cmd_list(c->json); }
static int run_exec(const struct cli *c)
{
	return cmd_exec(c->names[0], c->rest, c->env, c->workdir);
}
static int run_wait(const struct cli *c) { return cmd_wait(c->names[0]); }
static int run_log(const struct cli *c) { return cmd_log(c->names[0], c->raw, c->follow); }
static int run_console(const struct cli *c) { return cmd_console(c->names[0], c->force); }

static int run_all(const struct cli *c)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = c->jobs ? c->jobs : cpus > 0 ? (unsigned)cpus : 1;
	return c->background ? cmd_all_background(c->verb, jobs) : cmd_all(c->verb, jobs);
}
static int run_wait_all(const struct cli *c) { (void)c; return cmd_wait_all(); }

/* `vnode __resume`, from vnode-monitor only: the launch again (launch.c). */
static int run_resume(const struct cli *c)
{
	struct handoff h;
	char err[256];
	handoff_init(&h);
	if (handoff_parse(c->nrest, c->rest, &h, err, sizeof(err)) < 0 || !h.verb) {
		errorf("%s (see vnode --help)", h.verb ? err : "__resume wants --verb");
		return EXIT_USAGE;
	}
	if (handoff_take(&h) < 0) {
		errorf("%s: fcntl: %s", h.name, strerror(errno));
		return EXIT_FAILED;
	}
	vnode_home = h.home;
	return launch_resume(&h);
}

static int (*const run[NCOMMANDS])(const struct cli *) = {
	[CMD_HELP] = run_help,     [CMD_BOOT] = run_boot, [CMD_STOP] = run_stop,
	[CMD_STATUS] = run_status, [CMD_LIST] = run_list, [CMD_EXEC] = run_exec,
	[CMD_WAIT] = run_wait,     [CMD_LOG] = run_log,   [CMD_ALL] = run_all,
	[CMD_CONSOLE] = run_console, [CMD_RESUME] = run_resume, [CMD_RUN] = run_run,
	[CMD_WAIT_ALL] = run_wait_all,
};

int main(int argc, char **argv)
{
	struct cli c;
	char err[512];
	if (getenv("VNODE_HOME") && *getenv("VNODE_HOME"))
		vnode_home = getenv("VNODE_HOME");
	if (cli_parse(argc, argv, &c, err, sizeof(err)) < 0)
		return exit_with(EXIT_USAGE, err);
	if (c.home)
		vnode_home = c.home;
	if (c.needs_root && geteuid() != 0)
		return exit_with(EXIT_USAGE, "must be run as root");
	if (c.cmd == CMD_EXEC && exec_sealed(argv, err, sizeof(err)) < 0)
		return exit_with(EXIT_FAILED, err);
	return run[c.cmd](&c);
}
