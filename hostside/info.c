/* vnode status, list and wait: what a vnode is, read from its config and its
 * runtime files; nothing here changes anything. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vnode.h"

/* The runtime state; an unreadable file is said, and read as stopped. */
static void read_state(const struct vnode_id *id, struct vnode_state *st)
{
	char err[PATH_MAX + 128];
	if (runtime_read(id, st, err, sizeof(err)) < 0)
		errorf("%s", err);
}

static const char *state_name(const struct vnode_state *st)
{
	if (st->monitor && st->init)
		return st->phase[0] ? st->phase : "up";
	if (st->init)
		return "orphaned";
	return st->monitor ? "starting" : "stopped";
}

/* Waits until the vnode has stopped (its monitor and init are gone). */
int cmd_wait(const char *name)
{
	struct vnode_id id = { 0 };
	struct vnode_state st;
	char err[256];
	if (vnode_id_set(&id, name, err, sizeof(err)) < 0)
		return exit_with(EXIT_USAGE, err);
	read_state(&id, &st);
	int r = st.monitor ? wait_pid_gone(st.monitor, -1) : 0;
	if (!r && st.init)
		r = wait_pid_gone(st.init, -1);
	if (r < 0) {
		errorf("%s: waiting: %s", name, strerror(-r));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static const char *root_of(const struct vnode *v)
{
	return v->vm.ndisks ? v->vm.disks[0].image : v->vm.base ? v->vm.base : v->id.dir;
}

static const char *network_of(const struct vnode *v)
{
	static const char *const names[] = { [VN_PRIVATE] = "private", [VN_HOST] = "host",
					     [VN_NONE] = "none" };
	return names[v->net.mode];
}

/* A cgroup number, or "-" where its file is missing (its controller is not on). */
static const char *num(long long n, char *buf, size_t len)
{
	if (n < 0)
		return "-";
	snprintf(buf, len, "%lld", n);
	return buf;
}

/* What it uses now, from its cgroup's files. */
static void print_usage(const char *cgroup)
{
	struct cgroup_usage u;
	char a[24], b[24], c[24];
	cgroup_usage(cgroup, &u);
	printf("cgroup:     %s\n", cgroup);
	printf("memory:     %s bytes, peak %s\n", num(u.memory, a, sizeof(a)),
	       num(u.memory_peak, b, sizeof(b)));
	printf("pids:       %s, max %s\n", num(u.pids, a, sizeof(a)),
	       u.pids_max < 0 && u.pids >= 0 ? "max" : num(u.pids_max, b, sizeof(b)));
	if (u.cpu_usec >= 0)
		snprintf(c, sizeof(c), "%.3f", (double)u.cpu_usec / 1e6);
	printf("cpu:        %s s\n", u.cpu_usec >= 0 ? c : "-");
	printf("io:         %s bytes read, %s written\n", num(u.io_rbytes, a, sizeof(a)),
	       num(u.io_wbytes, b, sizeof(b)));
}

int cmd_status(const char *name, bool json)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	char err[1024];
	int r;
	if ((r = vnode_load(&v, name, err, sizeof(err))) < 0)
		return load_failed(r, err);
	read_state(&v.id, &st);
	if (json) {
		json_status_begin();
		json_vnode(name, state_name(&st), &st, &v, root_of(&v), network_of(&v));
		json_status_end();
		vnode_free(&v);
		return EXIT_OK;
	}
	printf("name:       %s\nstate:      %s\n", name, state_name(&st));
	if (st.init && st.uid)
		printf("mode:       unprivileged: root is uid %u on the host, %u ids\n", st.uid, VNODE_IDS);
	else
		printf("mode:       %s\n", (st.init ? !st.uid : v.privileged) ? "privileged" : "unprivileged");
	if (st.monitor)
		printf("monitor:    %d\n", (int)st.monitor);
	if (st.init)
		printf("init:       %d (%s), boot %u, up %lld s\n", (int)st.init, v.init, st.boots,
		       (long long)time(NULL) - st.started);
	printf("root:       %s\nnetwork:    %s\n", root_of(&v), network_of(&v));
	for (unsigned i = 0; i < v.net.ncables; i++) {
		const struct vn_cable *c = &v.net.cables[i];
		printf("interface:  %s <-> %s on %s, %02x:%02x:%02x:%02x:%02x:%02x\n", c->peer_if, c->host_if,
		       c->bridge[0] ? c->bridge : "(no bridge)", c->mac[0], c->mac[1], c->mac[2], c->mac[3],
		       c->mac[4], c->mac[5]);
	}
	if (st.init && st.cgroup[0])
		print_usage(st.cgroup);
	printf("log:        %s\n", v.id.logfile);
	vnode_free(&v);
	return EXIT_OK;
}

int cmd_list(bool json)
{
	static char names[MAX_VNODES][VNODE_NAME_MAX + 1];
	char err[PATH_MAX + 128];
	int n = vnode_list(names, MAX_VNODES, err, sizeof(err));
	if (n < 0)
		return exit_with(EXIT_FAILED, err);
	if (json)
		json_list_begin();
	else
		printf("%-20s %-10s %8s %8s %8s\n", "NAME", "STATE", "MONITOR", "INIT", "UPTIME");
	for (int i = 0, shown = 0; i < n; i++) {
		struct vnode_id id = { 0 };
		struct vnode_state st;
		if (vnode_id_set(&id, names[i], err, sizeof(err)) < 0)
			continue;
		read_state(&id, &st);
		long long up = st.init ? (long long)time(NULL) - st.started : 0;
		if (json && shown++)
			printf(",");
		if (json)
			json_vnode(names[i], state_name(&st), &st, NULL, NULL, NULL);
		else
			printf("%-20s %-10s %8d %8d %7llds\n", names[i], state_name(&st), (int)st.monitor,
			       (int)st.init, up);
	}
	if (json)
		json_list_end();
	return EXIT_OK;
}
