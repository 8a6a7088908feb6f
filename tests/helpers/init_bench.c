/* init_bench: times an init (vinit or a peer) as PID 1 of a fresh pid and mount
 * namespace chrooted into ROOT, with no shell between the clock and the kernel.
 *   init_bench -r ROOT [-n RUNS] [-t TIMEOUT_MS] [-l LOG] [-c PIDS_CGROUP_DIR]
 *              MODE -- INIT [ARG...]
 * The init must start a job that writes a byte to /bench.fifo (in ROOT) once it
 * runs; that is "ready". MODE is one of
 *   rss        VmRSS and RssAnon of the init, idle with its job
 *   storm:N    N orphans exit at once; time until the init has reaped them all.
 *              With -c (a pids cgroup hierarchy: v1 .../pids or a v2 dir with pids
 *              enabled), a cgroup is made there for each run and its pids.current,
 *              which counts zombies until they are reaped, is read in O(1); without
 *              it, the init's /proc children list (O(n), and it takes the tasklist
 *              lock the reaper needs, so it slows what it measures).
 *   stop       SIGTERM from outside; time until the init's parent sees it end
 * Each run starts a new namespace. Prints medians as "key value" lines; for stop
 * also how the last run ended ("end exit N" / "end signal N"), or "timeout MS"
 * when the init did not end within TIMEOUT_MS (it is then killed, and no more
 * runs are made: an init that never escalates will not on the next run either).
 * Exit status: 0 measured, 1 a step failed, 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 101
#define READY_TIMEOUT_MS 10000

struct bench {
	const char *root, *log, *mode, *cgparent;
	char cg[4096];  /* this run's cgroup, or "" */
	char *const *argv;
	int runs, timeout_ms, storm_n;
};

static void die(const char *what)
{
	fprintf(stderr, "init_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static long long median(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_ll);
	return v[(n - 1) / 2];
}

static int join_cgroup(const char *cg)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = write(fd, "0", 1) == 1 ? 0 : -1;
	close(fd);
	return r;
}

/* The namespace's PID 1: a private mount namespace, the root, a clean signal mask
 * (an init sets up its own), the log as stdout/stderr, then the init. */
static void __attribute__((noreturn)) child(const struct bench *b)
{
	sigset_t none;
	int logfd = open(b->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	sigemptyset(&none);
	if (b->cg[0] && join_cgroup(b->cg) < 0)
		_exit(111);
	if (logfd < 0 || nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(111);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    chroot(b->root) < 0 || chdir("/") < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		_exit(111);
	execv(b->argv[0], b->argv);
	_exit(127);
}

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Starts the init and waits for its job's byte on ROOT/bench.fifo. */
static pid_t start_init(const struct bench *b, int *pidfd)
{
	char fifo[4096], byte[16];
	snprintf(fifo, sizeof(fifo), "%s/bench.fifo", b->root);
	if (mkfifo(fifo, 0666) < 0 && errno != EEXIST)
		die(fifo);
	/* Opened before the init starts, non-blocking: the job's write can't be missed,
	 * and the poll below is bounded. */
	int ffd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ffd < 0)
		die(fifo);
	/* fork() into a new pid namespace: only the first child after an unshare
	 * would be an init, and unshare(CLONE_NEWPID) works once per process. */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone CLONE_NEWPID");
	if (pid == 0)
		child(b);
	if ((*pidfd = pidfd_of(pid)) < 0)
		die("pidfd_open");
	struct pollfd p[2] = { { ffd, POLLIN, 0 }, { *pidfd, POLLIN, 0 } };
	int r = poll(p, 2, READY_TIMEOUT_MS);
	if (r < 0)
		die("poll ready");
	if (r == 0 || !(p[0].revents & POLLIN) || read(ffd, byte, sizeof(byte)) <= 0) {
		fprintf(stderr, "init_bench: %s: not ready (%s); see %s\n", b->argv[0],
			r == 0 ? "timeout" : p[1].revents ? "it ended" : "fifo", b->log);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		exit(1);
	}
	close(ffd);
	return pid;
}

static void end_init(pid_t pid, int pidfd)
{
	if (kill(pid, SIGKILL) < 0 && errno != ESRCH)
		die("kill init");
	if (waitpid(pid, NULL, 0) < 0)
		die("waitpid init");
	close(pidfd);
}

static const char *bench_cg = "";

/* Processes in the cgroup, zombies included: pids uncharges at release. */
static int count_cgroup(const char *cg)
{
	static int fd = -1;
	static char open_for[4096];
	char path[4200], buf[32];
	if (fd < 0 || strcmp(open_for, cg) != 0) {
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "%s/pids.current", cg);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die(path);
		snprintf(open_for, sizeof(open_for), "%s", cg);
	}
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		die("read pids.current");
	buf[n] = 0;
	return atoi(buf);
}

/* "VmRSS:      512 kB" -> 512 */
static long long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long long v = -1;
	size_t klen = strlen(key);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = atoll(line + klen + 1);
	fclose(f);
	return v;
}

/* How many children the init has, zombies included (they stay on its list
 * until reaped). */
static int count_children(pid_t pid)
{
	if (bench_cg[0])
		return count_cgroup(bench_cg);
	static char buf[1 << 20];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	int count = 0;
	for (size_t i = 0; i < len; i++)
		count += buf[i] == ' ';
	return count;  /* each pid is followed by a space */
}

/* Inside the init's pid namespace (setns applies to our children), a leader forks
 * N orphans-to-be blocked on a pipe, then exits, so they are re-parented to the
 * init. Our caller's close of the pipe then makes them all exit at once. */
static void __attribute__((noreturn)) storm_leader(pid_t init, int n, int rfd, int wfd)
{
	char path[64];
	close(wfd);
	if (bench_cg[0] && join_cgroup(bench_cg) < 0)
		_exit(111);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWPID) < 0)
		_exit(111);
	pid_t inner = fork();  /* our own pid namespace is still the host's */
	if (inner < 0)
		_exit(111);
	if (inner == 0) {
		for (int i = 0; i < n; i++) {
			pid_t g = fork();
			if (g < 0)
				_exit(111);
			if (g == 0) {
				char c;
				while (read(rfd, &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
		}
		_exit(0);
	}
	int st;
	if (waitpid(inner, &st, 0) < 0 || !WIFEXITED(st))
		_exit(111);
	_exit(WEXITSTATUS(st));
}

static long long one_storm(pid_t init, int n)
{
	int pfd[2], st;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		die("pipe");
	int base = count_children(init);
	pid_t leader = fork();
	if (leader < 0)
		die("fork");
	if (leader == 0)
		storm_leader(init, n, pfd[0], pfd[1]);
	close(pfd[0]);
	if (waitpid(leader, &st, 0) < 0)
		die("waitpid leader");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "init_bench: storm leader failed\n");
		exit(1);
	}
	struct timespec pause = { 0, 100000 };
	long long t0 = now_us();
	close(pfd[1]);
	while (count_children(init) > base)
		nanosleep(&pause, NULL);
	return now_us() - t0;
}

/* SIGTERM from outside; the time until the init's parent (us) sees it end. */
static long long one_stop(pid_t pid, int pidfd, int timeout_ms, int *status)
{
	struct pollfd p = { pidfd, POLLIN, 0 };
	long long t0 = now_us();
	if (kill(pid, SIGTERM) < 0)
		die("kill TERM");
	int r = poll(&p, 1, timeout_ms);
	if (r < 0)
		die("poll pidfd");
	if (r == 0)
		return -1;
	if (waitpid(pid, status, 0) < 0)
		die("waitpid");
	long long t = now_us() - t0;
	close(pidfd);
	return t;
}

static char cg_to_remove[4096];

static void remove_cgroup(void)
{
	if (cg_to_remove[0] && rmdir(cg_to_remove) < 0 && errno != ENOENT)
		fprintf(stderr, "init_bench: rmdir %s: %s\n", cg_to_remove, strerror(errno));
	cg_to_remove[0] = 0;
}

static void make_cgroup(struct bench *b, int run)
{
	snprintf(b->cg, sizeof(b->cg), "%s/init-bench.%d.%d", b->cgparent, (int)getpid(), run);
	if (mkdir(b->cg, 0755) < 0)
		die(b->cg);
	snprintf(cg_to_remove, sizeof(cg_to_remove), "%s", b->cg);
	bench_cg = b->cg;
}

/* The init is reaped, so its cgroup is empty and can go. */
static void drop_cgroup(struct bench *b)
{
	remove_cgroup();
	b->cg[0] = 0;
	bench_cg = "";
}

static int usage(void)
{
	fprintf(stderr, "usage: init_bench -r ROOT [-n RUNS] [-t TIMEOUT_MS] [-l LOG] "
			"rss|storm:N|stop -- INIT [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bench b = { .log = "/dev/null", .runs = 5, .timeout_ms = 5000 };
	static long long v1[MAX_RUNS], v2[MAX_RUNS];
	int opt, i, status = 0;

	while ((opt = getopt(argc, argv, "r:n:t:l:c:")) != -1) {
		if (opt == 'r')
			b.root = optarg;
		else if (opt == 'n')
			b.runs = atoi(optarg);
		else if (opt == 't')
			b.timeout_ms = atoi(optarg);
		else if (opt == 'l')
			b.log = optarg;
		else if (opt == 'c')
			b.cgparent = optarg;
		else
			return usage();
	}
	if (!b.root || optind + 1 >= argc || b.runs < 1 || b.runs > MAX_RUNS)
		return usage();
	atexit(remove_cgroup);
	b.mode = argv[optind];
	b.argv = argv + optind + 1;
	if (strncmp(b.mode, "storm:", 6) == 0 && (b.storm_n = atoi(b.mode + 6)) > 0)
		b.mode = "storm";
	else if (strcmp(b.mode, "rss") != 0 && strcmp(b.mode, "stop") != 0)
		return usage();
	for (i = 0; i < b.runs; i++) {
		int pidfd;
		if (b.cgparent)
			make_cgroup(&b, i);
		pid_t pid = start_init(&b, &pidfd);
		if (b.mode[0] == 'r') {
			v1[i] = status_kb(pid, "VmRSS");
			v2[i] = status_kb(pid, "RssAnon");
			end_init(pid, pidfd);
		} else if (strcmp(b.mode, "storm") == 0) {
			v1[i] = one_storm(pid, b.storm_n);
			end_init(pid, pidfd);
		} else {
			v1[i] = one_stop(pid, pidfd, b.timeout_ms, &status);
			if (v1[i] < 0) {
				end_init(pid, pidfd);
				drop_cgroup(&b);
				printf("timeout %d\n", b.timeout_ms);
				return 0;
			}
		}
		drop_cgroup(&b);
	}
	if (b.mode[0] == 'r') {
		printf("vmrss_kb %lld\nrssanon_kb %lld\n", median(v1, b.runs), median(v2, b.runs));
	} else if (strcmp(b.mode, "storm") == 0) {
		printf("storm_us %lld\n", median(v1, b.runs));
	} else {
		printf("stop_us %lld\n", median(v1, b.runs));
		if (WIFSIGNALED(status))
			printf("end signal %d\n", WTERMSIG(status));
		else
			printf("end exit %d\n", WEXITSTATUS(status));
	}
	return 0;
}
