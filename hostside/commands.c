/* The vnode commands: each takes names, does one thing, returns an exit status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vnode.h"

/* 0 once pid is gone, -ETIMEDOUT after timeout_ms (< 0: never). Event-driven: a
 * pidfd becomes readable when the process exits. */
int wait_pid_gone(pid_t pid, int timeout_ms)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return errno == ESRCH ? 0 : -errno;
	struct pollfd pfd = { fd, POLLIN, 0 };
	int r;
	while ((r = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	close(fd);
	return r > 0 ? 0 : r == 0 ? -ETIMEDOUT : -errno;
}

int need_root(void)
{
	if (geteuid() == 0)
		return 0;
	errorf("must be run as root");
	return EXIT_USAGE;
}

static int start_monitor(struct vnode *v, int lock)
{
	int report[2];
	char msg[1400];
	if (pipe2(report, O_CLOEXEC) < 0) {
		errorf("%s: pipe: %s", v->name, strerror(errno));
		return EXIT_FAILED;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		errorf("%s: fork: %s", v->name, strerror(errno));
		return EXIT_FAILED;
	}
	if (pid == 0) {
		close(report[0]);
		int null = open("/dev/null", O_RDWR), log = open(v->logfile, O_WRONLY | O_CREAT | O_APPEND, 0640);
		if (setsid() < 0 || null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) {
			int n = snprintf(msg, sizeof(msg), "%s: starting the monitor (log %s): %s", v->name,
					 v->logfile, strerror(errno));
			if (write(report[1], msg, (size_t)n) < 0)
				_exit(EXIT_FAILED);
			_exit(EXIT_FAILED);
		}
		close(null), close(log);
		_exit(monitor_run(v, lock, report[1], false));
	}
	close(report[1]);
	close(lock);
	ssize_t n, got = 0;
	while ((n = read(report[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0 ||
	       (n < 0 && errno == EINTR))
		got += n > 0 ? n : 0;
	close(report[0]);
	msg[got] = 0;
	if (strcmp(msg, "up\n") == 0) {
		notef("%s: up", v->name);
		return EXIT_OK;
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	const char *why = strncmp(msg, "up\n", 3) == 0 ? msg + 3 : msg;  /* up, then lost */
	errorf("%s", *why ? why : "the monitor died during boot (see the log)");
	return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : EXIT_FAILED;
}

static int reclaim_stale(struct vnode *v, const struct vnode_state *st)
{
	char err[512];
	if (st->init) {
		errorf("%s: already running (init %d, its monitor is gone: vnode halt %s)",
		       v->name, (int)st->init, v->name);
		return EXIT_FAILED;
	}
	if (v->net.mode != VN_HOST && vn_teardown(&v->net, err, sizeof(err)) < 0)
		errorf("%s", err);
	return 0;
}

static int boot_vnode(struct vnode *v, const char *name, bool foreground)
{
	struct vnode_state st;
	char err[1024];
	int r, lock;

	if ((r = need_root()) || (r = vnode_load(v, name)))
		return r;
	if ((lock = runtime_lock(v)) < 0) {
		runtime_read(v, &st);
		if (lock == -EWOULDBLOCK)
			errorf("%s: already running (monitor %d)", name, (int)st.monitor);
		else
			errorf("%s: %s: %s", name, v->pidfile, strerror(-lock));
		return EXIT_FAILED;
	}
	if (runtime_read(v, &st) == 0 && (r = reclaim_stale(v, &st)))
		return close(lock), r;
	if (vm_resolve(&v->vm, err, sizeof(err)) < 0 ||
	    (v->net.mode != VN_HOST && vn_check(&v->net, err, sizeof(err)) < 0)) {
		errorf("%s: %s", name, err);
		unlink(v->pidfile);
		return close(lock), EXIT_USAGE;
	}
	if (mkdir(VNODE_LOG_DIR, 0755) < 0 && errno != EEXIST) {
		errorf("%s: %s: %s", name, VNODE_LOG_DIR, strerror(errno));
		return close(lock), EXIT_FAILED;
	}
	return foreground ? monitor_run(v, lock, -1, true) : start_monitor(v, lock);
}

int cmd_boot(const char *name, bool foreground)
{
	/* Heap, not stack: the monitor lives as long as the vnode, and calloc leaves the
	 * untouched pages of this large struct out of its resident memory. */
	struct vnode *v = calloc(1, sizeof(*v));
	if (!v) {
		errorf("%s: out of memory", name);
		return EXIT_FAILED;
	}
	int r = boot_vnode(v, name, foreground);
	vnode_free(v);
	free(v);
	return r;
}

/* Waits until the vnode has stopped (its monitor and init are gone). */
int cmd_wait(const char *name)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	int r;
	if ((r = vnode_paths(&v, name)))
		return r;
	runtime_read(&v, &st);
	if (st.monitor)
		wait_pid_gone(st.monitor, -1);
	if (st.init)
		wait_pid_gone(st.init, -1);
	return EXIT_OK;
}

static const char *state_name(const struct vnode_state *st)
{
	if (st->monitor && st->init)
		return st->phase[0] ? st->phase : "up";
	if (st->init)
		return "orphaned";
	return st->monitor ? "starting" : "stopped";
}

int cmd_status(const char *name)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	int r;
	if ((r = vnode_load(&v, name)))
		return r;
	runtime_read(&v, &st);
	printf("name:       %s\nstate:      %s\n", name, state_name(&st));
	if (st.monitor)
		printf("monitor:    %d\n", (int)st.monitor);
	if (st.init)
		printf("init:       %d (%s), boot %u, up %lld s\n", (int)st.init, v.init, st.boots,
		       (long long)time(NULL) - st.started);
	printf("root:       %s\n", v.vm.ndisks ? v.vm.disks[0].image : v.vm.base ? v.vm.base : v.dir);
	printf("network:    %s\n", v.net.mode == VN_HOST ? "host" : v.net.mode == VN_NONE ? "none" : "private");
	for (unsigned i = 0; i < v.net.ncables; i++) {
		const struct vn_cable *c = &v.net.cables[i];
		printf("interface:  %s <-> %s on %s, %02x:%02x:%02x:%02x:%02x:%02x\n", c->peer_if, c->host_if,
		       c->bridge[0] ? c->bridge : "(no bridge)", c->mac[0], c->mac[1], c->mac[2], c->mac[3],
		       c->mac[4], c->mac[5]);
	}
	printf("log:        %s\n", v.logfile);
	vnode_free(&v);
	return EXIT_OK;
}

/* Names of the vnodes under VNODE_HOME (directories holding a config), sorted. */
static int list_names(char names[][VNODE_NAME_MAX + 1], int max)
{
	struct dirent **ents;
	char path[PATH_MAX], why[128];
	int n = scandir(vnode_home, &ents, NULL, alphasort), k = 0;
	if (n < 0) {
		errorf("%s: %s", vnode_home, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/config", vnode_home, ents[i]->d_name);
		if (k < max && vnode_name_ok(ents[i]->d_name, why, sizeof(why)) && access(path, F_OK) == 0)
			snprintf(names[k++], VNODE_NAME_MAX + 1, "%.48s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

#define MAX_VNODES 4096

int cmd_list(bool json)
{
	static char names[MAX_VNODES][VNODE_NAME_MAX + 1];
	int n = list_names(names, MAX_VNODES);
	if (n < 0)
		return EXIT_FAILED;
	if (!json)
		printf("%-20s %-10s %8s %8s %8s\n", "NAME", "STATE", "MONITOR", "INIT", "UPTIME");
	else
		printf("[");
	for (int i = 0; i < n; i++) {
		struct vnode v = { 0 };
		struct vnode_state st;
		if (vnode_paths(&v, names[i]))
			continue;
		runtime_read(&v, &st);
		long long up = st.init ? (long long)time(NULL) - st.started : 0;
		if (json)
			printf("%s{\"name\":\"%s\",\"state\":\"%s\",\"monitor\":%d,\"init\":%d,\"uptime\":%lld}",
			       i ? "," : "", names[i], state_name(&st), (int)st.monitor, (int)st.init, up);
		else
			printf("%-20s %-10s %8d %8d %7llds\n", names[i], state_name(&st), (int)st.monitor,
			       (int)st.init, up);
	}
	if (json)
		printf("]\n");
	return EXIT_OK;
}

static int enter_namespaces(pid_t init)
{
	static const char *const ns[] = { "cgroup", "ipc", "uts", "net", "pid", "mnt" };
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/root", (int)init);
	int root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init, ns[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (setns(fd, 0) < 0 && errno != EINVAL)) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			close(root);
			return -e;
		}
		close(fd);
	}
	int r = fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0 ? -errno : 0;
	close(root);
	return r;
}

int cmd_exec(const char *name, char *const cmd[])
{
	struct vnode v = { 0 };
	struct vnode_state st;
	char err[512];
	int r, status;
	if ((r = need_root()) || (r = vnode_load(&v, name)))
		return r;
	runtime_read(&v, &st);
	if (!st.init) {
		errorf("%s: not running", name);
		return EXIT_FAILED;
	}
	if ((r = enter_namespaces(st.init)) < 0) {
		errorf("%s: entering the namespaces of init %d: %s", name, (int)st.init, strerror(-r));
		return EXIT_FAILED;
	}
	pid_t pid = fork();  /* the pid namespace applies to children only */
	if (pid == 0) {
		char *const sh[] = { "/bin/sh", NULL };
		char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				       "HOME=/root", getenv("TERM") ? "TERM=xterm" : "TERM=dumb", NULL };
		if (caps_drop_bounding(v.caps_drop, err, sizeof(err)) < 0) {
			errorf("%s: %s", name, err);
			_exit(EXIT_FAILED);
		}
		char *const *argv = cmd && cmd[0] ? cmd : sh;
		execvpe(argv[0], argv, envp);
		errorf("%s: %s: %s", name, argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (pid < 0) {
		errorf("%s: fork: %s", name, strerror(errno));
		return EXIT_FAILED;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAILED;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cmd_log(const char *name)
{
	struct vnode v = { 0 };
	char buf[65536];
	ssize_t n;
	int r;
	if ((r = vnode_paths(&v, name)))
		return r;
	int fd = open(v.logfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errorf("%s: %s: %s", name, v.logfile, strerror(errno));
		return EXIT_FAILED;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return n < 0 ? EXIT_FAILED : EXIT_OK;
}

static int run_one(char verb, const char *name)
{
	return verb == 'b' ? cmd_boot(name, false) : cmd_stop(name, verb);
}

/* boot-all, halt-all, kill-all: at most `jobs` at once. A slot frees when its
 * command returns, and `vnode boot` returns when the vnode is up: the throttle
 * follows readiness, not a fixed delay. */
int cmd_all(char verb, unsigned jobs)
{
	static char names[MAX_VNODES][VNODE_NAME_MAX + 1];
	int n = list_names(names, MAX_VNODES), failed = 0, next = 0, running = 0, status;
	if (n < 0)
		return EXIT_FAILED;
	while (next < n || running > 0) {
		while (next < n && running < (int)jobs) {
			fflush(NULL);
			pid_t pid = fork();
			if (pid == 0)
				_exit(run_one(verb, names[next]));
			if (pid < 0) {
				errorf("%s: fork: %s", names[next], strerror(errno));
				failed++;
			} else {
				running++;
			}
			next++;
		}
		if (running == 0)
			break;
		if (wait(&status) > 0) {
			running--;
			failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		} else if (errno != EINTR) {
			break;
		}
	}
	if (failed)
		errorf("%d of %d vnodes failed", failed, n);
	return failed ? EXIT_FAILED : EXIT_OK;
}
