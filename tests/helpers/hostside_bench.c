/* hostside_bench: times a command from fork to its exit, with no shell between the
 * clock and the kernel (a `date +%s%N` around it would add two execs, about 2 ms,
 * to a figure whose target is 10 ms).
 *
 *   hostside_bench [-n RUNS] [-w WARMUP] [-o LOG] [-i] [-q BRIDGE] CMD [ARG...]
 *
 * Runs CMD WARMUP times untimed (default 1: the first run pays for cold caches),
 * then RUNS times (default 20) timed with CLOCK_MONOTONIC, one after another; the
 * command's stdin is /dev/null and its output is appended to LOG (default
 * /dev/null). -i: a run killed by SIGINT counts as a success too (that is how
 * `unshare --fork --pid` ends when its init powers off: the kernel turns reboot(2)
 * in a pid namespace into SIGINT for the namespace's init, and unshare re-raises it).
 * -q BRIDGE: before each run, untimed, wait (by netlink link events, 2 s at most) until
 * BRIDGE has no ports left: the kernel tears a dead network namespace down later, in a
 * work queue, and its veths go last; a run that starts before that competes with it
 * for the rtnl lock and the CPU, so back-to-back runs measure that teardown too.
 * Prints one line "MEDIAN MIN MAX" in milliseconds.
 * Exit status: 0, 1 a run failed (its status on stderr), 2 usage. */
#include <errno.h>
#include <stdbool.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_time.h"

#define MAX_RUNS 10000
#define SETTLE_MAX_MS 2000

/* Runs argv once; returns its wait status, or -1 if it could not be started. */
static int run_once(char **argv, int in, int out)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "hostside_bench: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "hostside_bench: waitpid: %s\n", strerror(errno));
			return -1;
		}
	return st;
}

/* The number of ports of BRIDGE, or -errno. */
static int bridge_ports(const char *bridge)
{
	char path[300];
	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", bridge);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Waits until BRIDGE has no ports. Subscribes before the first look, so that a port
 * leaving between the look and the poll still wakes it. Returns 0 or -1 (reported). */
static int wait_bridge_empty(const char *bridge)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "hostside_bench: netlink link events: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	double deadline = bench_now_ms() + SETTLE_MAX_MS;
	int n;
	char buf[8192];
	while ((n = bridge_ports(bridge)) > 0) {
		int left = (int)(deadline - bench_now_ms());
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = left > 0 ? poll(&p, 1, left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "hostside_bench: %s: %d ports still there after %d ms\n", bridge,
				n, SETTLE_MAX_MS);
			break;
		}
		/* ENOBUFS (events overflowed) only means: look again. */
		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	if (n < 0)
		fprintf(stderr, "hostside_bench: bridge %s: %s\n", bridge, strerror(-n));
	close(fd);
	return n == 0 ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: hostside_bench [-n RUNS] [-w WARMUP] [-o LOG] [-i] [-q BRIDGE] CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 20, warm = 1, opt;
	bool sigint_ok = false;
	const char *log = "/dev/null", *settle = NULL;
	while ((opt = getopt(argc, argv, "+n:w:o:iq:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'o': log = optarg; break;
		case 'i': sigint_ok = true; break;
		case 'q': settle = optarg; break;
		default: return usage();
		}
	}
	if (optind >= argc || runs < 1 || runs > MAX_RUNS || warm < 0)
		return usage();
	char **cmd = argv + optind;
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		fprintf(stderr, "hostside_bench: open %s: %s\n", in < 0 ? "/dev/null" : log,
			strerror(errno));
		return 1;
	}
	static double ms[MAX_RUNS];
	for (int i = -warm; i < runs; i++) {
		if (settle && wait_bridge_empty(settle) < 0)
			return 1;
		double t0 = bench_now_ms();
		int st = run_once(cmd, in, out);
		double t = bench_now_ms() - t0;
		if (st != 0 && !(sigint_ok && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)) {
			if (st > 0)
				fprintf(stderr, "hostside_bench: %s: run %d: %s %d\n", cmd[0], i + warm + 1,
					WIFEXITED(st) ? "exit status" : "killed by signal",
					WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			return 1;
		}
		if (i >= 0)
			ms[i] = t;
	}
	qsort(ms, runs, sizeof(ms[0]), bench_cmp_double);
	printf("%.2f %.2f %.2f\n", ms[(runs - 1) / 2], ms[0], ms[runs - 1]);
	return 0;
}
