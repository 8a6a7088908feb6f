/* /run/netns/NAME, so that `ip netns exec NAME` works. It is a symbolic link to
 * /proc/PID/ns/net rather than the bind mount `ip netns add` makes: a bind mount would pin
 * the namespace, and with it the veths, after every process of the vnode is killed. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vnet_base.h"

/* Whether path is a vnode's entry: a symbolic link to /proc/PID/ns/net. */
static bool is_a_vnodes(const char *path)
{
	char target[64];
	int pid, end = 0;
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return sscanf(target, "/proc/%d/ns/net%n", &pid, &end) == 1 && end == n && pid > 0;
}

int vn_nsname_check(const char *name, char *err, size_t errlen)
{
	char path[sizeof(VN_NETNS_DIR) + VN_NAME_MAX + 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", VN_NETNS_DIR, name);
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : vn_err(err, errlen, errno, "lstat %s: %s", path,
						    strerror(errno));
	if (S_ISLNK(st.st_mode) && is_a_vnodes(path))
		return 0;
	return vn_err(err, errlen, EEXIST, "%s exists and is not a vnode's (`ip netns add %s` makes "
		      "such): it is left alone, so %s cannot have its name (ip netns del %s)", path,
		      name, name, name);
}

/* A vnode's entry left by an earlier run: unlinked. Absent counts as removed; an entry
 * that is not a vnode's (a bind mount from `ip netns add`) is someone else's: kept. */
static int remove_entry(const char *path, char *err, size_t errlen)
{
	if (!is_a_vnodes(path))
		return 0;
	if (unlink(path) < 0 && errno != ENOENT)
		return vn_err(err, errlen, errno, "unlink %s: %s", path, strerror(errno));
	return 0;
}

int vn_nsname_set(const char *name, pid_t pid, char *err, size_t errlen)
{
	char path[sizeof(VN_NETNS_DIR) + VN_NAME_MAX + 2], target[64];
	int r;

	if (mkdir(VN_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return vn_err(err, errlen, errno, "mkdir %s: %s", VN_NETNS_DIR, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", VN_NETNS_DIR, name);
	snprintf(target, sizeof(target), "/proc/%d/ns/net", (int)pid);
	r = vn_nsname_check(name, err, errlen);
	if (r == 0)
		r = remove_entry(path, err, errlen);
	if (r < 0)
		return r;
	if (symlink(target, path) < 0)
		return vn_err(err, errlen, errno, "symlink %s -> %s: %s", path, target, strerror(errno));
	return 0;
}

int vn_nsname_remove(const char *name, char *err, size_t errlen)
{
	char path[sizeof(VN_NETNS_DIR) + VN_NAME_MAX + 2];

	snprintf(path, sizeof(path), "%s/%s", VN_NETNS_DIR, name);
	return remove_entry(path, err, errlen);
}
