/* Times one cable (veth pair + bridge attach + MACs + up, peer in the vnode's netns) made by
 * the library against the same made by `ip` commands, and its deletion on its own.
 *   netns_bench BRIDGE RUNS        prints one table of medians */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vnet_int.h"
#include "bench_time.h"

extern char **environ;

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "netns_bench: %s: %s\n", what, why);
	exit(1);
}

static void run(const char *cmd)
{
	char *argv[32], buf[512], *save = NULL;
	int n = 0, st;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s", cmd);
	for (char *w = strtok_r(buf, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		die(cmd, "spawn failed");
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die(cmd, "failed");
}

static char stack[64 * 1024] __attribute__((aligned(16)));
static int target_main(void *arg)
{
	int *fds = arg;
	char c;

	/* Lives, in its own netns, until the bench closes the pipe. */
	close(fds[1]);
	return (int)read(fds[0], &c, 1);
}

#define BATCH 8

static pid_t start_target(int *wfd)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		die("pipe2", strerror(errno));
	pid = clone(target_main, stack + sizeof(stack), CLONE_NEWNET | SIGCHLD, pfd);
	if (pid < 0)
		die("clone", strerror(errno));
	close(pfd[0]);
	*wfd = pfd[1];
	return pid;
}

static int left(struct vn_config *c, int n)
{
	for (int j = 0; j < n; j++)
		if (if_nametoindex(c[j].cables[0].host_if))
			return 1;
	return 0;
}

/* BATCH vnodes with one cable each halt at once; how long until the kernel has deleted every
 * veth (namespace deaths, batched), against deleting them one by one (explicit). */
static void batch(const char *bridge, double *dying, double *explicit_del)
{
	static struct vn_config c[BATCH];
	char err[256], name[32], entry[32], buf[MNL_SOCKET_BUFFER_SIZE];
	const char *e[1] = { entry };
	pid_t pid[BATCH];
	int wfd[BATCH];
	struct mnl_socket *ev;
	struct vn_nl nl;

	snprintf(entry, sizeof(entry), "%s:", bridge);
	for (int round = 0; round < 2; round++) {
		for (int j = 0; j < BATCH; j++) {
			snprintf(name, sizeof(name), "vnb%d-%d", (int)getpid(), j);
			if (vn_config_init(&c[j], name, NULL, e, 1, NULL, 0, NULL, err, sizeof(err)) < 0)
				die("config", err);
			pid[j] = start_target(&wfd[j]);
			if (vn_setup_host(&c[j], pid[j], err, sizeof(err)) < 0)
				die("vn_setup_host", err);
		}
		ev = mnl_socket_open(NETLINK_ROUTE);
		if (!ev || mnl_socket_bind(ev, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 || vn_nl_open(&nl) < 0)
			die("netlink", strerror(errno));
		double t0 = bench_now_ms();
		if (round == 0) {
			for (int j = 0; j < BATCH; j++)
				kill(pid[j], SIGKILL);
			while (left(c, BATCH))
				if (mnl_socket_recvfrom(ev, buf, sizeof(buf)) < 0 && errno != ENOBUFS)
					die("events", strerror(errno));
			*dying = bench_now_ms() - t0;
		} else {
			for (int j = 0; j < BATCH; j++)
				if (vn_link_del(&nl, c[j].cables[0].host_if) < 0)
					die("delete", c[j].cables[0].host_if);
			*explicit_del = bench_now_ms() - t0;
			for (int j = 0; j < BATCH; j++)
				kill(pid[j], SIGKILL);
		}
		for (int j = 0; j < BATCH; j++) {
			waitpid(pid[j], NULL, 0);
			close(wfd[j]);
			(void)vn_teardown(&c[j], err, sizeof(err));
		}
		vn_nl_close(&nl);
		mnl_socket_close(ev);
	}
}

int main(int argc, char **argv)
{
	static struct vn_config c;
	char err[256], name[32], cmd[512], mac[18], hmac[18];
	const char *entry[1];
	struct vn_nl host, inside;
	int runs, pfd[2], self, target_ns;
	double *lib_c, *lib_h, *lib_d, *lib_t, *ip_c, *ip_d;
	pid_t pid;

	if (argc != 3 || (runs = atoi(argv[2])) < 1)
		die("usage", "netns_bench BRIDGE RUNS");
	snprintf(name, sizeof(name), "vnb%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "%s:", argv[1]);
	entry[0] = cmd;
	if (vn_config_init(&c, name, NULL, entry, 1, NULL, 0, NULL, err, sizeof(err)) < 0 ||
	    vn_check(&c, err, sizeof(err)) < 0)
		die("config", err);
	lib_c = calloc((size_t)runs, sizeof(double));
	lib_h = calloc((size_t)runs, sizeof(double));
	lib_d = calloc((size_t)runs, sizeof(double));
	lib_t = calloc((size_t)runs, sizeof(double));
	ip_c = calloc((size_t)runs, sizeof(double));
	ip_d = calloc((size_t)runs, sizeof(double));
	if (!lib_c || !lib_h || !lib_d || !lib_t || !ip_c || !ip_d)
		die("calloc", strerror(errno));

	if (pipe2(pfd, O_CLOEXEC) < 0)
		die("pipe2", strerror(errno));
	pid = clone(target_main, stack + sizeof(stack), CLONE_NEWNET | SIGCHLD, pfd);
	if (pid < 0)
		die("clone", strerror(errno));
	close(pfd[0]);
	/* A netlink socket stays in the netns it was made in: one inside for "eth0 up". */
	snprintf(cmd, sizeof(cmd), "/proc/%d/ns/net", (int)pid);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target_ns = open(cmd, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target_ns < 0 || setns(target_ns, CLONE_NEWNET) < 0 || vn_nl_open(&inside) < 0 ||
	    setns(self, CLONE_NEWNET) < 0 || vn_nl_open(&host) < 0)
		die("netns sockets", strerror(errno));

	for (int i = 0; i < runs; i++) {
		double t0 = bench_now_ms(), t1, t2;

		if (vn_setup_host(&c, pid, err, sizeof(err)) < 0)
			die("vn_setup_host", err);
		t1 = bench_now_ms();
		if (vn_link_up(&inside, "eth0") < 0)
			die("eth0 up", "failed");
		t2 = bench_now_ms();
		lib_h[i] = t1 - t0;
		lib_c[i] = t2 - t0;
		t0 = bench_now_ms();
		if (vn_teardown(&c, err, sizeof(err)) < 0)
			die("vn_teardown", err);
		lib_t[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		if (vn_link_del(&host, c.cables[0].host_if) < 0)
			die("delete", c.cables[0].host_if);
		lib_d[i] = bench_now_ms() - t0;
	}

	/* The same cable with iproute2, as the peers' scripts make it. */
	if (vn_nsname_set(name, pid, err, sizeof(err)) < 0)
		die("name", err);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c.cables[0].mac[0],
		 c.cables[0].mac[1], c.cables[0].mac[2], c.cables[0].mac[3], c.cables[0].mac[4],
		 c.cables[0].mac[5]);
	snprintf(hmac, sizeof(hmac), "%02x:%02x:%02x:%02x:%02x:%02x", c.cables[0].host_mac[0],
		 c.cables[0].host_mac[1], c.cables[0].host_mac[2], c.cables[0].host_mac[3],
		 c.cables[0].host_mac[4], c.cables[0].host_mac[5]);
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now_ms();

		snprintf(cmd, sizeof(cmd), "ip link add %s address %s type veth peer name eth0 address %s netns %d",
			 c.cables[0].host_if, hmac, mac, (int)pid);
		run(cmd);
		snprintf(cmd, sizeof(cmd), "ip link set dev %s master %s up", c.cables[0].host_if, argv[1]);
		run(cmd);
		snprintf(cmd, sizeof(cmd), "ip -n %s link set dev eth0 up", name);
		run(cmd);
		ip_c[i] = bench_now_ms() - t0;
		t0 = bench_now_ms();
		snprintf(cmd, sizeof(cmd), "ip link del %s", c.cables[0].host_if);
		run(cmd);
		ip_d[i] = bench_now_ms() - t0;
	}
	(void)vn_nsname_remove(name, err, sizeof(err));
	vn_nl_close(&inside);
	vn_nl_close(&host);
	close(pfd[1]);
	waitpid(pid, NULL, 0);

	double dying[5], expl[5];
	for (int k = 0; k < 5; k++)
		batch(argv[1], &dying[k], &expl[k]);

	double lc = median(lib_c, runs), ic = median(ip_c, runs), ld = median(lib_d, runs),
	       id = median(ip_d, runs);
	printf("netns: one cable (veth pair + bridge attach + MACs + up, peer in the vnode's netns)\n");
	printf("median of %d runs, ms          %10s %12s %8s\n", runs, "vnet", "ip(8)", "ip/vnet");
	printf("create                        %10.3f %12.3f %7.1fx   (target < 3 ms)\n", lc, ic, ic / lc);
	printf("  host side: vn_setup_host    %10.3f %12s %8s\n", median(lib_h, runs), "-", "-");
	printf("delete, explicit (kernel RCU) %10.3f %12.3f %7.1fx\n", ld, id, id / ld);
	printf("halt path: vn_teardown        %10.3f %12s %8s   (veths left to the netns's death)\n",
	       median(lib_t, runs), "-", "-");
	printf("create + explicit delete      %10.3f %12.3f %7.1fx\n", lc + ld, ic + id, (ic + id) / (lc + ld));
	printf("%d vnodes halting at once, median of 5, ms: all veths gone by netns death %.1f, "
	       "by %d explicit deletes %.1f\n", BATCH, median(dying, 5), BATCH, median(expl, 5));
	return 0;
}
