/* hostside_bench: times a command from fork to its exit, with no shell between the
 * clock and the kernel (a `date +%s%N` around it would add two execs, about 2 ms,
 * to a figure whose target is 10 ms).
 *
 *   hostside_bench [-n RUNS] [-w WARMUP] [-o LOG] [-i] CMD [ARG...]
 *
 * Runs CMD WARMUP times untimed (default 1: the first run pays for cold caches),
 * then RUNS times (default 20) timed with CLOCK_MONOTONIC, one after another; the
 * command's stdin is /dev/null and its output is appended to LOG (default
 * /dev/null). -i: a run killed by SIGINT counts as a success too (that is how
 * `unshare --fork --pid` ends when its init powers off: the kernel turns reboot(2)
 * in a pid namespace into SIGINT for the namespace's init, and unshare re-raises it).
 * Prints one line "MEDIAN MIN MAX" in milliseconds.
 * Exit status: 0, 1 a run failed (its status on stderr), 2 usage. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 10000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

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

static int usage(void)
{
	fprintf(stderr, "usage: hostside_bench [-n RUNS] [-w WARMUP] [-o LOG] [-i] CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 20, warm = 1, opt;
	bool sigint_ok = false;
	const char *log = "/dev/null";
	while ((opt = getopt(argc, argv, "+n:w:o:i")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'o': log = optarg; break;
		case 'i': sigint_ok = true; break;
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
		double t0 = now_ms();
		int st = run_once(cmd, in, out);
		double t = now_ms() - t0;
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
	qsort(ms, runs, sizeof(ms[0]), cmp_double);
	printf("%.2f %.2f %.2f\n", ms[(runs - 1) / 2], ms[0], ms[runs - 1]);
	return 0;
}
