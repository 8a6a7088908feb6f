/* vnode boot: checks the vnode can boot, then launches it (launch.c) in a monitor
 * process of its own, and returns once that says "up" or why not; boot -f attaches
 * to its console instead (console.c), until the vnode ends. */
#include <errno.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "console.h"
#include "vnode.h"

/* The monitor's child: a session of its own, the console log as stdout and stderr. */
static void __attribute__((noreturn)) run_monitor(struct vnode *v, int lock, int report, int client)
{
	char msg[1400];
	int null = open("/dev/null", O_RDWR), log = open(v->id.logfile, O_WRONLY | O_CREAT | O_APPEND, 0640);
	if (setsid() < 0 || null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 ||
	    dup2(log, 2) < 0 ||
	    /* What the shell that ran `vnode boot` left open must not live on in the monitor
	     * for the vnode's life: the exec of vnode-monitor keeps only what it hands over. */
	    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		int n = snprintf(msg, sizeof(msg), "%s: starting the monitor (log %s): %s", v->id.name,
				 v->id.logfile, strerror(errno));
		if (write(report, msg, (size_t)n) < 0)
			_exit(EXIT_FAILED);
		_exit(EXIT_FAILED);
	}
	close(null), close(log);
	_exit(launch(v, lock, report, client));
}

/* What the monitor reported: "up\n", or why not, until EOF. */
static void read_report(int fd, char *msg, size_t len)
{
	ssize_t n, got = 0;
	while ((n = read(fd, msg + got, len - 1 - (size_t)got)) > 0 || (n < 0 && errno == EINTR))
		got += n > 0 ? n : 0;
	msg[got] = 0;
}

void monitor_died(const char *name, int status)
{
	if (WIFSIGNALED(status))
		errorf("%s: its monitor was killed by signal %d during the boot (vnode kill, or see "
		       "the log)", name, WTERMSIG(status));
	else
		errorf("%s: its monitor died during the boot (status %d: see the log)", name,
		       WIFEXITED(status) ? WEXITSTATUS(status) : status);
}

/* What the monitor said of the boot, as `vnode boot` tells it. */
static int told(struct vnode *v, pid_t pid, const char *msg)
{
	int status = 0;
	if (strcmp(msg, "up\n") == 0) {
		notef("%s: %s", v->id.name, verbs[VERB_BOOT].done);
		return EXIT_OK;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	const char *why = strncmp(msg, "up\n", 3) == 0 ? msg + 3 : msg;  /* up, then lost */
	if (*why)
		errorf("%s", why);
	else
		monitor_died(v->id.name, status);
	return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : EXIT_FAILED;
}

/* The monitor in a process of its own; then its report, or with boot -f (foreground)
 * the console, attached from the start through a socket pair, until the vnode ends. */
static int start_monitor(struct vnode *v, int lock, bool foreground)
{
	int report[2], con[2] = { -1, -1 };
	char msg[1400];
	if (pipe2(report, O_CLOEXEC) < 0 ||
	    (foreground && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, con) < 0)) {
		errorf("%s: pipe: %s", v->id.name, strerror(errno));
		return EXIT_FAILED;
	}
	fflush(NULL);
	/* Out of the cgroup of whoever ran `vnode boot`: the end of that login session or
	 * service does not take the vnode with it. Without cgroup v2, where it is. */
	bool delegated;
	int cg = cgroup_monitors(&delegated), r;
	if (cg >= 0 && delegated && (r = cgroup_move_self(cg)) < 0)
		errorf("%s: into %s: %s", v->id.name, CGROUP_MONITORS, strerror(-r));
	pid_t pid = cg >= 0 ? cgroup_clone(CLONE_INTO_CGROUP, NULL, SIGCHLD, cg) : fork();
	if (cg >= 0)
		close(cg);
	if (pid < 0) {
		errorf("%s: fork: %s", v->id.name, strerror(errno));
		return EXIT_FAILED;
	}
	if (pid == 0) {
		close(report[0]);
		if (foreground)
			close(con[0]);
		run_monitor(v, lock, report[1], con[1]);
	}
	close(report[1]);
	close(lock);
	if (foreground) {
		close(con[1]);
		return console_attach(v->id.name, con[0], false, pid, report[0]);
	}
	read_report(report[0], msg, sizeof(msg));
	close(report[0]);
	return told(v, pid, msg);
}

/* Runtime files nobody holds: a monitor that was SIGKILLed. An init it left running
 * is still the vnode; with none, what it named is stale and goes. */
static int reclaim_stale(struct vnode *v, const struct vnode_state *st, char *err, size_t errlen)
{
	if (st->init)
		return vnode_err(err, errlen, EBUSY,
				 "%s: already running (init %d, its monitor is gone: vnode halt %s)",
				 v->id.name, (int)st->init, v->id.name);
	vnode_gone(v->id.name, vnode_netns(v), st->cgroup);
	return 0;
}

/* Whether /proc/cgroups has controller bound to a v1 hierarchy (its column 2 not 0). */
static bool on_cgroup_v1(const char *controller)
{
	char line[256], name[64];
	int hier = 0;
	bool v1 = false;
	FILE *f = fopen("/proc/cgroups", "re");
	if (!f)
		return false;
	while (!v1 && fgets(line, sizeof(line), f))
		v1 = sscanf(line, "%63s %d", name, &hier) == 2 && !strcmp(name, controller) && hier;
	fclose(f);
	return v1;
}

/* A limit the host cannot apply is a config error, said with its key and why. */
static int limits_applicable(const struct vnode *v, char *err, size_t errlen)
{
	struct cgroup_host h;
	char at[PATH_MAX + 64];
	int found = cgroup_find(&h);
	for (unsigned i = 0; i < LIM_N; i++) {
		const char *c = limit_keys[i].controller;
		if (!v->limits.v[i] || (found == 0 && cgroup_has(&h, c)))
			continue;
		vnode_where(v, limit_keys[i].key, at, sizeof(at));
		if (found < 0)
			return vnode_err(err, errlen, EINVAL, "%s: this host has no cgroup v2 hierarchy "
					 "mounted, so it cannot apply limits", at);
		return vnode_err(err, errlen, EINVAL, "%s: this host's cgroup v2 hierarchy (%s) has no %s "
				 "controller%s, so it cannot apply this limit", at, h.mount, c,
				 on_cgroup_v1(c) ? " (it is on a cgroup v1 hierarchy here)" : "");
	}
	return 0;
}

/* Under the lock: everything that can be refused before anything is made. Returns 0,
 * or the exit status with err filled. */
static int check_boot(struct vnode *v, char *err, size_t errlen)
{
	struct vnode_state st;
	char why[900];
	int r = runtime_read(&v->id, &st, why, sizeof(why));
	if (r < 0)
		errorf("%s", why);  /* unreadable: taken as stopped */
	else if (reclaim_stale(v, &st, err, errlen) < 0)
		return EXIT_FAILED;
	if (vnode_netns(v) && vn_nsname_check(vnode_netns(v), why, sizeof(why)) < 0) {
		unlink(v->id.pidfile);
		vnode_err(err, errlen, EEXIST, "%s: %s", v->id.name, why);
		return EXIT_FAILED;
	}
	if (limits_applicable(v, err, errlen) < 0) {
		unlink(v->id.pidfile);
		return EXIT_USAGE;
	}
	if (vm_resolve(&v->vm, why, sizeof(why)) < 0 ||
	    (vnode_netns(v) && vn_check(&v->net, why, sizeof(why)) < 0)) {
		unlink(v->id.pidfile);
		vnode_err(err, errlen, EINVAL, "%s: %s", v->id.name, why);
		return EXIT_USAGE;
	}
	if (mkdir(VNODE_LOG_DIR, 0755) < 0 && errno != EEXIST) {
		vnode_err(err, errlen, errno, "%s: %s: %s", v->id.name, VNODE_LOG_DIR, strerror(errno));
		return EXIT_FAILED;
	}
	return 0;
}

/* One of as many boot slots as there are CPUs, held until this boot is up (or has failed):
 * a service manager starting every vnode at once gets them booted as boot-all does. */
static int take_slot(const char *name)
{
	char path[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus > 0 ? (int)cpus : 1, fd = -1;
	if (mkdir(VNODE_RUN_DIR "/slots", 0755) < 0 && errno != EEXIST)
		return -errno;
	for (int i = 0; i <= n; i++) {  /* each at once, then the last waited for */
		snprintf(path, sizeof(path), VNODE_RUN_DIR "/slots/%d", i < n ? i : (int)(getpid() % n));
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
			return -errno;
		if (flock(fd, i < n ? LOCK_EX | LOCK_NB : LOCK_EX) == 0)
			return fd;
		close(fd);
	}
	errorf("%s: %s: %s", name, path, strerror(errno));
	return -errno;
}

/* `vnode run`: the boot in this process, which becomes the vnode's monitor (the main
 * process of vnode@.service, told of "up" by notify.c). In a delegated cgroup it moves to
 * its _monitors first, so that the vnode's cgroup beside it may have controllers. */
static int run_here(struct vnode *v, int lock)
{
	bool delegated;
	int cg = cgroup_monitors(&delegated), r = 0;
	if (cg >= 0 && delegated)
		r = cgroup_move_self(cg);
	if (cg >= 0)
		close(cg);
	if (r < 0) {
		errorf("%s: into %s: %s", v->id.name, CGROUP_MONITORS, strerror(-r));
		return EXIT_FAILED;
	}
	int slot = take_slot(v->id.name);
	if (slot < 0)
		return EXIT_FAILED;
	return launch(v, lock, -1, -1);
}

/* A vnode from the environment alone gets its directory (for its runtime state, such as
 * the staging of its root), and nothing in it is written for it. */
static int make_home(const struct vnode *v)
{
	const char *dirs[] = { vnode_home, v->id.dir };
	for (unsigned i = 0; i < 2; i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) {
			errorf("%s: %s: %s", v->id.name, dirs[i], strerror(errno));
			return -1;
		}
	return 0;
}

static int boot_vnode(struct vnode *v, const char *name, bool foreground, bool here)
{
	struct vnode_state st = { 0 };
	char err[1024];
	int r, lock;

	if ((r = vnode_load(v, name, err, sizeof(err))) < 0)
		return load_failed(r, err);
	if (v->env_only && make_home(v) < 0)
		return EXIT_FAILED;
	if ((lock = runtime_lock(&v->id)) == -EWOULDBLOCK) {
		if (runtime_read(&v->id, &st, err, sizeof(err)) < 0)
			errorf("%s", err);
		errorf("%s: already running (monitor %d)", name, (int)st.monitor);
		return EXIT_FAILED;
	}
	if (lock < 0) {
		errorf("%s: %s: %s", name, v->id.pidfile, strerror(-lock));
		return EXIT_FAILED;
	}
	if ((r = check_boot(v, err, sizeof(err)))) {
		close(lock);
		notify("STATUS=%s", err);
		return exit_with(r, err);
	}
	return here ? run_here(v, lock) : start_monitor(v, lock, foreground);
}

int cmd_boot(const char *name, bool foreground, bool here)
{
	/* Heap, not stack: the monitor lives as long as the vnode, and calloc leaves the
	 * untouched pages of this large struct out of its resident memory. */
	struct vnode *v = calloc(1, sizeof(*v));
	if (!v) {
		errorf("%s: out of memory", name);
		return EXIT_FAILED;
	}
	int r = boot_vnode(v, name, foreground, here);
	vnode_free(v);
	free(v);
	return r;
}
