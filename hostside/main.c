/* vnode: boot, watch, halt, kill and reboot vnodes; also answers to the names of
 * the tools it replaces (pretend-boot, bootvnodes, vnodesetup). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "handoff.h"
#include "vnode.h"

static const char usage[] =
"usage: vnode [--home DIR] COMMAND [ARGS]\n"
"  boot NAME...           boot; return once its init reports up\n"
"  boot -f NAME           boot and stay attached to its console until it ends\n"
"  halt NAME...           clean poweroff; SIGKILL after STOP_TIMEOUT (default 30 s)\n"
"  kill NAME...           stop now and remove the vnode's writable state\n"
"  reboot NAME            reboot; return once it is up again\n"
"  status NAME            state, pids, uptime, interfaces, root\n"
"  list [--json]          every vnode under VNODE_HOME\n"
"  exec NAME [CMD...]     run CMD (default /bin/sh) inside the vnode\n"
"  log NAME               the console log\n"
"  wait NAME              wait until the vnode has stopped\n"
"  boot-all | halt-all | kill-all [-j N]   every vnode, N at a time (default: CPUs)\n"
"VNODE_HOME defaults to " VNODE_HOME_DEFAULT "; a vnode is DIR/NAME/config (vnode.conf(5)).\n"
"Exit status: 0 ok, 1 the operation failed, 2 usage or config error.\n"
"Also installed as: pretend-boot NAME (= boot -f), bootvnodes [-b|-h|-k] [-f],\n"
"vnodesetup -j [-b|-h|-k] NAME.\n";

static int bad_usage(const char *what)
{
	errorf("%s (see vnode --help)", what);
	return EXIT_USAGE;
}

static int each(int argc, char **argv, int (*fn)(const char *, int), int arg)
{
	int r = EXIT_OK;
	if (argc < 1)
		return bad_usage("missing NAME");
	for (int i = 0; i < argc; i++) {
		int one = fn(argv[i], arg);
		if (one > r)
			r = one;
	}
	return r;
}

static int boot_one(const char *name, int fg) { return cmd_boot(name, fg); }

static int all(char verb, int argc, char **argv)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") && i + 1 < argc)
			jobs = atol(argv[++i]);
		else if (strncmp(argv[i], "-j", 2) == 0 && argv[i][2])
			jobs = atol(argv[i] + 2);
		else if (strcmp(argv[i], "-f"))
			return bad_usage("boot-all/halt-all/kill-all take only -j N");
	}
	if (jobs < 1 || jobs > 1024)
		return bad_usage("-j wants a number from 1 to 1024");
	return cmd_all(verb, (unsigned)jobs);
}

static int resume(int argc, char **argv)
{
	struct handoff h;
	char err[256];
	handoff_init(&h);
	if (handoff_parse(argc, argv, &h, err, sizeof(err)) < 0 || !h.verb)
		return bad_usage(h.verb ? err : "__resume wants --verb");
	if (handoff_take(&h) < 0) {
		errorf("%s: fcntl: %s", h.name, strerror(errno));
		return EXIT_FAILED;
	}
	vnode_home = h.home;
	return monitor_resume(&h);
}

/* Emulab's names: bootvnodes [-b|-h|-k] [-f]; vnodesetup -j [-b|-h|-k] ID. */
static int compat(const char *prog, int argc, char **argv)
{
	char verb = 'b';
	const char *id = NULL;
	if (!strcmp(prog, "pretend-boot"))
		return argc == 2 ? cmd_boot(argv[1], true) : bad_usage("usage: pretend-boot NAME");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "-h") || !strcmp(argv[i], "-k"))
			verb = argv[i][1];
		else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-f"))
			continue;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return bad_usage(argv[i]);
	}
	if (!strcmp(prog, "bootvnodes"))
		return cmd_all(verb, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	if (!id)
		return bad_usage("usage: vnodesetup -j [-b|-h|-k] NAME");
	return verb == 'b' ? cmd_boot(id, false) : cmd_stop(id, verb);
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (getenv("VNODE_HOME") && *getenv("VNODE_HOME"))
		vnode_home = getenv("VNODE_HOME");
	if (strcmp(prog, "vnode") && (!strcmp(prog, "pretend-boot") || !strcmp(prog, "bootvnodes") ||
				      !strcmp(prog, "vnodesetup")))
		return compat(prog, argc, argv);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return fputs(usage, stdout) < 0 ? EXIT_FAILED : EXIT_OK;
		else if (!strcmp(argv[i], "--home") && i + 1 < argc)
			vnode_home = argv[++i];
		else if (!strncmp(argv[i], "--home=", 7))
			vnode_home = argv[i] + 7;
		else
			return bad_usage(argv[i]);
	}
	if (i >= argc)
		return bad_usage("missing COMMAND");
	const char *cmd = argv[i++];
	int n = argc - i;
	char **rest = argv + i;
	if (!strcmp(cmd, "boot")) {
		bool fg = n > 0 && (!strcmp(rest[0], "-f") || !strcmp(rest[0], "--foreground"));
		if (fg && n != 2)  /* the terminal stays with the one vnode until it ends */
			return bad_usage("boot -f takes one NAME");
		return each(n - fg, rest + fg, boot_one, fg);
	}
	if (!strcmp(cmd, "halt"))
		return each(n, rest, cmd_stop, 'h');
	if (!strcmp(cmd, "kill"))
		return each(n, rest, cmd_stop, 'k');
	if (!strcmp(cmd, "reboot"))
		return n == 1 ? cmd_stop(rest[0], 'r') : bad_usage("usage: vnode reboot NAME");
	if (!strcmp(cmd, "status"))
		return n == 1 ? cmd_status(rest[0]) : bad_usage("usage: vnode status NAME");
	if (!strcmp(cmd, "list"))
		return cmd_list(n == 1 && !strcmp(rest[0], "--json"));
	if (!strcmp(cmd, "exec"))
		return n >= 1 ? cmd_exec(rest[0], rest + 1) : bad_usage("usage: vnode exec NAME [CMD...]");
	if (!strcmp(cmd, "wait"))
		return n == 1 ? cmd_wait(rest[0]) : bad_usage("usage: vnode wait NAME");
	if (!strcmp(cmd, "log"))
		return n == 1 ? cmd_log(rest[0]) : bad_usage("usage: vnode log NAME");
	if (!strcmp(cmd, "__resume"))  /* from vnode-monitor only */
		return resume(n, rest);
	if (!strcmp(cmd, "boot-all") || !strcmp(cmd, "halt-all") || !strcmp(cmd, "kill-all"))
		return all(cmd[0], n, rest);
	errorf("%s: unknown command (see vnode --help)", cmd);
	return EXIT_USAGE;
}
