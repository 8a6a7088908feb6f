/* hostside_cgspawn: what it costs to start a process in a cgroup, two ways.
 *
 *   hostside_cgspawn [-n RUNS] CGROUP-DIR
 *
 * "clone3": clone3(CLONE_INTO_CGROUP) a child born in CGROUP-DIR, as vnode starts its
 * init; "procs": fork, then the parent writes the child's pid to CGROUP-DIR/cgroup.procs
 * (a migration), as a launcher without CLONE_INTO_CGROUP must. Each child exits at once
 * and is reaped; a run is from the spawn to the reap (the child then exits from inside
 * the cgroup either way). Prints "clone3 MEDIAN MIN MAX" and "procs MEDIAN MIN MAX" in
 * microseconds. Exit status: 0, 1 a spawn failed, 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_time.h"

#define MAX_RUNS 100000

static int spawn_clone3(int cgfd, int procs)
{
	(void)procs;
	struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				.cgroup = (unsigned)cgfd };
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(0);
	return pid;
}

static int spawn_procs(int cgfd, int procs)
{
	(void)cgfd;
	int go[2];
	if (pipe(go) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {  /* waits to be moved, then exits from the cgroup */
		char c;
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	char num[16];
	int n = snprintf(num, sizeof(num), "%d", (int)pid);
	int ok = pid > 0 && pwrite(procs, num, (size_t)n, 0) == n;
	if (write(go[1], "g", 1) != 1)
		ok = 0;
	close(go[0]), close(go[1]);
	return ok ? pid : -1;
}

static int measure(const char *name, int (*spawn)(int, int), int cgfd, int procs, int runs)
{
	static double t[MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now_ms();
		pid_t pid = spawn(cgfd, procs);
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "hostside_cgspawn: %s: %s\n", name, strerror(errno));
			return 1;
		}
		t[i] = (bench_now_ms() - t0) * 1000;
	}
	qsort(t, (size_t)runs, sizeof(t[0]), bench_cmp_double);
	printf("%s %.1f %.1f %.1f\n", name, t[runs / 2], t[0], t[runs - 1]);
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 200, opt;
	while ((opt = getopt(argc, argv, "n:")) != -1)
		if (opt != 'n' || (runs = atoi(optarg)) < 1 || runs > MAX_RUNS)
			return fprintf(stderr, "usage: hostside_cgspawn [-n RUNS] CGROUP-DIR\n"), 2;
	if (optind != argc - 1)
		return fprintf(stderr, "usage: hostside_cgspawn [-n RUNS] CGROUP-DIR\n"), 2;
	char path[4096];
	snprintf(path, sizeof(path), "%s/cgroup.procs", argv[optind]);
	int cgfd = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
	int procs = open(path, O_WRONLY | O_CLOEXEC);
	if (cgfd < 0 || procs < 0) {
		fprintf(stderr, "hostside_cgspawn: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	return measure("clone3", spawn_clone3, cgfd, procs, runs) ||
	       measure("procs", spawn_procs, cgfd, procs, runs);
}
