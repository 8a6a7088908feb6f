/* The monitor's state as --key=value arguments (see handoff.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "handoff.h"

enum kind { STR, INT, UINT, LL, FDS };

struct field {
	const char *key;
	enum kind kind;
	size_t off;
};

#define F(key, kind, member) { key, kind, offsetof(struct handoff, member) }
static const struct field fields[] = {
	F("name", STR, name),       F("home", STR, home),       F("exe", STR, exe),
	F("hook", STR, hook.path),  F("hook-timeout", UINT, hook.timeout),
	F("netns", STR, netns),     F("verb", STR, verb),
	F("cgroup", STR, cgroup),
	F("lock-fd", INT, lock_fd), F("pidfd", INT, pidfd),     F("console", INT, con),
	F("console-slave", INT, con_slave), F("console-listen", INT, con_listen),
	F("console-client", INT, con_client), F("log-fd", INT, log_fd), F("init", INT, init),
	F("boots", UINT, boots),    F("stop-timeout", UINT, stop_timeout),
	F("started", LL, started),  F("up-ms", LL, up_ms),      F("delay-ms", INT, delay_ms),
	F("disk-fds", FDS, disk_fd),   F("uid", UINT, uid),        F("gid", UINT, gid),
	F("log-max", LL, log_max),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

void handoff_init(struct handoff *h)
{
	memset(h, 0, sizeof(*h));
	h->lock_fd = h->pidfd = h->con = h->con_slave = h->con_listen = h->con_client = h->log_fd = -1;
}

/* "5,6,7" into h->disk_fd; the only FDS field. */
static int set_fds(struct handoff *h, const char *val)
{
	char *end;
	h->ndisk_fd = 0;
	for (const char *p = val; *p; p = end + (*end == ',')) {
		errno = 0;
		long n = strtol(p, &end, 10);
		if (errno || end == p || n < 0 || n > INT_MAX || (*end && *end != ',') ||
		    h->ndisk_fd >= HANDOFF_MAX_FDS)
			return -1;
		h->disk_fd[h->ndisk_fd++] = (int)n;
	}
	return 0;
}

static int format_fds(const struct handoff *h, char *buf, size_t len)
{
	int n = snprintf(buf, len, "--disk-fds=");
	for (unsigned i = 0; i < h->ndisk_fd && n > 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - (size_t)n, "%s%d", i ? "," : "", h->disk_fd[i]);
	return n;
}

static int set_field(struct handoff *h, const struct field *f, const char *val)
{
	char *p = (char *)h + f->off, *end;
	if (f->kind == FDS)
		return set_fds(h, val);
	errno = 0;
	long long n = f->kind == STR ? 0 : strtoll(val, &end, 10);
	if (f->kind != STR && (errno || end == val || *end || n < (f->kind == INT ? -1 : 0)))
		return -1;
	switch (f->kind) {
	case STR: *(const char **)p = val; break;
	case INT: *(int *)p = (int)n; break;
	case UINT: *(unsigned *)p = (unsigned)n; break;
	case LL: *(long long *)p = n; break;
	case FDS: break;
	}
	return 0;
}

int handoff_parse(int argc, char *const argv[], struct handoff *h, char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t k = NFIELDS;
		if (a[0] == '-' && a[1] == '-' && eq)
			for (k = 0; k < NFIELDS; k++)
				if (strlen(fields[k].key) == (size_t)(eq - a - 2) &&
				    !strncmp(fields[k].key, a + 2, (size_t)(eq - a - 2)))
					break;
		if (k == NFIELDS || set_field(h, &fields[k], eq + 1) < 0) {
			snprintf(err, errlen, "bad monitor argument \"%.200s\"", a);
			return -1;
		}
	}
	if (!h->name || !h->home || !h->exe || h->lock_fd < 0) {
		snprintf(err, errlen, "monitor arguments lack --name, --home, --exe or --lock-fd");
		return -1;
	}
	return 0;
}

static int set_cloexec(int fd, bool on)
{
	return fd < 0 ? 0 : fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
}

static int all_cloexec(const struct handoff *h, bool on)
{
	const int fds[] = { h->lock_fd, h->pidfd, h->con, h->con_slave, h->con_listen,
			    h->con_client, h->log_fd };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (set_cloexec(fds[i], on) < 0)
			return -1;
	for (unsigned i = 0; i < h->ndisk_fd; i++)
		if (set_cloexec(h->disk_fd[i], on) < 0)
			return -1;
	return 0;
}

void handoff_release_disks(struct handoff *h)
{
	for (unsigned i = 0; i < h->ndisk_fd; i++)
		close(h->disk_fd[i]);
	h->ndisk_fd = 0;
}

int handoff_take(const struct handoff *h)
{
	return all_cloexec(h, true);
}

int handoff_exec(const struct handoff *h, const char *path, const char *arg0, const char *cmd)
{
	char buf[NFIELDS][PATH_MAX + 16];
	char *argv[NFIELDS + 3];
	int n = 0;

	argv[n++] = (char *)arg0;
	if (cmd)
		argv[n++] = (char *)cmd;
	for (size_t k = 0; k < NFIELDS; k++) {
		const char *p = (const char *)h + fields[k].off;
		const char *s = fields[k].kind == STR ? *(const char *const *)p : NULL;
		if ((fields[k].kind == STR && !s) || (fields[k].kind == FDS && !h->ndisk_fd))
			continue;
		int len;
		if (fields[k].kind == FDS)
			len = format_fds(h, buf[k], sizeof(buf[k]));
		else if (fields[k].kind == STR)
			len = snprintf(buf[k], sizeof(buf[k]), "--%s=%s", fields[k].key, s);
		else if (fields[k].kind == LL)
			len = snprintf(buf[k], sizeof(buf[k]), "--%s=%lld", fields[k].key,
				       *(const long long *)p);
		else if (fields[k].kind == UINT)
			len = snprintf(buf[k], sizeof(buf[k]), "--%s=%u", fields[k].key,
				       *(const unsigned *)p);
		else
			len = snprintf(buf[k], sizeof(buf[k]), "--%s=%d", fields[k].key, *(const int *)p);
		if (len < 0 || (size_t)len >= sizeof(buf[k])) {
			errno = ENAMETOOLONG;
			return -1;
		}
		argv[n++] = buf[k];
	}
	argv[n] = NULL;
	if (all_cloexec(h, false) < 0)
		return -1;
	execv(path, argv);
	int e = errno;  /* the exec failed: keep the fds from later children (hooks) again */
	if (all_cloexec(h, true) == 0)
		errno = e;
	return -1;
}
