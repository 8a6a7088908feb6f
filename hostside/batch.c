/* boot-all, halt-all, kill-all: one verb for every vnode under VNODE_HOME, at most
 * `jobs` at once. A slot frees when its command returns, and `vnode boot` returns when
 * the vnode is up: the throttle follows readiness, not a fixed delay. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vnode.h"

/* Held shared by each detached batch while it runs; wait-all takes it exclusive. */
#define BATCH_LOCK VNODE_RUN_DIR "/batch.lock"

static int run_one(enum verb verb, const char *name)
{
	return verb == VERB_BOOT ? cmd_boot(name, false, false) : cmd_stop(name, verb, 0);
}

/* Forks the command for one name; 0, or -1 (said) when the fork failed. */
static int start_one(enum verb verb, const char *name)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(run_one(verb, name));
	if (pid > 0)
		return 0;
	errorf("%s: fork: %s", name, strerror(errno));
	return -1;
}

int cmd_all(enum verb verb, unsigned jobs)
{
	static char names[MAX_VNODES][VNODE_NAME_MAX + 1];
	char err[PATH_MAX + 128];
	int n = vnode_list(names, MAX_VNODES, err, sizeof(err)), failed = 0, next = 0, running = 0;
	int status;
	if (n < 0)
		return exit_with(EXIT_FAILED, err);
	while (next < n || running > 0) {
		for (; next < n && running < (int)jobs; next++)
			if (start_one(verb, names[next]) < 0)
				failed++;
			else
				running++;
		if (running == 0)
			break;
		if (wait(&status) > 0) {
			running--;
			failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		} else if (errno != EINTR) {
			errorf("wait: %s", strerror(errno));
			return EXIT_FAILED;
		}
	}
	if (failed)
		errorf("%d of %d vnodes failed", failed, n);
	return failed ? EXIT_FAILED : EXIT_OK;
}

static int batch_lock(int how)
{
	if (mkdir(VNODE_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(BATCH_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, how) < 0)
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return -e;
		}
	return fd;
}

/* The detached batch: a session of its own, the lock held, its output to BATCH_LOG; then
 * it tells its parent (ready) and runs. */
static void detached(enum verb verb, unsigned jobs, int ready)
{
	int lock = batch_lock(LOCK_SH), null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int log = open(BATCH_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (lock < 0 || null < 0 || log < 0 || setsid() < 0 || dup2(null, 0) < 0 ||
	    dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(EXIT_FAILED);  /* the parent reads EOF, and says so */
	if (write(ready, "x", 1) != 1)
		_exit(EXIT_FAILED);
	close(ready);
	time_t t = time(NULL);
	printf("bootvnodes: %s of every vnode begins, %s", verbs[verb].name, ctime(&t));
	int r = cmd_all(verb, jobs);
	t = time(NULL);
	printf("bootvnodes: %s of every vnode %s, %s", verbs[verb].name, r ? "failed" : "done",
	       ctime(&t));
	fflush(NULL);
	_exit(r);
}

int cmd_all_background(enum verb verb, unsigned jobs)
{
	int p[2];
	char c;
	if (mkdir(VNODE_LOG_DIR, 0755) < 0 && errno != EEXIST)
		return errorf("%s: %s", VNODE_LOG_DIR, strerror(errno)), EXIT_FAILED;
	if (pipe2(p, O_CLOEXEC) < 0)
		return errorf("bootvnodes: pipe: %s", strerror(errno)), EXIT_FAILED;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		detached(verb, jobs, p[1]);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? read(p[0], &c, 1) : -1;
	close(p[0]);
	if (n != 1) {
		errorf("bootvnodes: cannot start the batch in the background (%s, %s, %s)",
		       pid < 0 ? strerror(errno) : "it ended", BATCH_LOCK, BATCH_LOG);
		return EXIT_FAILED;
	}
	notef("bootvnodes: %s of every vnode goes on in the background (pid %d; vnode wait-all "
	      "waits for it; its output: %s)", verbs[verb].name, (int)pid, BATCH_LOG);
	return EXIT_OK;
}

int cmd_wait_all(void)
{
	int fd = batch_lock(LOCK_EX);
	if (fd < 0)
		return errorf("wait-all: %s: %s", BATCH_LOCK, strerror(-fd)), EXIT_FAILED;
	close(fd);
	return EXIT_OK;
}
