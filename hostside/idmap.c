/* The uid and gid ranges of unprivileged vnodes. Each running vnode has its own
 * slot of VNODE_IDS ids, disjoint from every other's and from the host's users. The
 * pool is the vnode user's entry in /etc/subuid and /etc/subgid (name:start:count, as
 * for LXC's and podman's idmaps), else the default below. A slot is taken under a lock
 * as /run/vnode/ids/SLOT, a symlink to the vnode's name, and freed at the vnode's end;
 * a vnode booted again takes back its own stale slot. Built into vnode-monitor too. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "runtime.h"

#define IDS_DIR VNODE_RUN_DIR "/ids"
#define IDS_LOCK VNODE_RUN_DIR "/ids.lock"
/* Above nspawn's dynamic range (to 0x6FFF0000) and below 2^31: 1024 vnodes. */
#define POOL_DEFAULT_START 0x70000000u
#define POOL_DEFAULT_COUNT (1024u * VNODE_IDS)

/* The vnode user's range in file (/etc/subuid or /etc/subgid), or the default. */
int ids_pool(const char *file, struct id_pool *p, char *err, size_t errlen)
{
	char line[256];
	FILE *f = fopen(file, "re");
	*p = (struct id_pool){ POOL_DEFAULT_START, POOL_DEFAULT_COUNT };
	if (!f)
		return errno == ENOENT ? 0 : vnode_err(err, errlen, errno, "%s: %s", file, strerror(errno));
	for (unsigned n = 1; fgets(line, sizeof(line), f); n++) {
		unsigned long start = 0, count = 0;
		char extra = '\n';
		if (strncmp(line, VNODE_IDS_USER ":", sizeof(VNODE_IDS_USER)))
			continue;
		int k = sscanf(line + sizeof(VNODE_IDS_USER), "%lu:%lu%c", &start, &count, &extra);
		if (k < 2 || extra != '\n' || count < VNODE_IDS || start == 0 ||
		    start + count > 0xFFFFFFFFul) {
			fclose(f);
			return vnode_err(err, errlen, EINVAL, "%s:%u: want " VNODE_IDS_USER
					 ":START:COUNT, START > 0, COUNT at least %u", file, n, VNODE_IDS);
		}
		*p = (struct id_pool){ (unsigned)start, (unsigned)count };
	}
	fclose(f);
	return 0;
}

/* The slot name links to, or -1. */
static long slot_of(const char *name, const char *entry)
{
	char path[sizeof(IDS_DIR) + 300], target[VNODE_NAME_MAX + 2];
	snprintf(path, sizeof(path), IDS_DIR "/%s", entry);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	return strcmp(target, name) ? -1 : strtol(entry, NULL, 10);
}

/* name's slot if it has one (a stale one from a vnode that died unseen), else the
 * first free one of nslots; under the lock. */
static long pick_slot(const char *name, unsigned nslots, char *err, size_t errlen)
{
	char path[sizeof(IDS_DIR) + 16];
	DIR *d = opendir(IDS_DIR);
	if (!d)
		return vnode_err(err, errlen, errno, "%s: %s", IDS_DIR, strerror(errno));
	long own = -1;
	for (struct dirent *e; own < 0 && (e = readdir(d));)
		own = slot_of(name, e->d_name);
	closedir(d);
	if (own >= 0)
		return own;
	for (unsigned i = 0; i < nslots; i++) {
		snprintf(path, sizeof(path), IDS_DIR "/%u", i);
		if (symlink(name, path) == 0)
			return i;
		if (errno != EEXIST)
			return vnode_err(err, errlen, errno, "%s: %s", path, strerror(errno));
	}
	return vnode_err(err, errlen, EUSERS, "all %u uid ranges of the pool are taken (see vnode(8), "
			 "UID RANGES)", nslots);
}

static int lock_ids(char *err, size_t errlen)
{
	if ((mkdir(VNODE_RUN_DIR, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(IDS_DIR, 0755) < 0 && errno != EEXIST))
		return vnode_err(err, errlen, errno, "%s: %s", IDS_DIR, strerror(errno));
	int fd = open(IDS_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vnode_err(err, errlen, e, "%s: %s", IDS_LOCK, strerror(e));
	}
	return fd;
}

int ids_take(const char *name, struct vnode_ids *ids, char *err, size_t errlen)
{
	struct id_pool u, g;
	int r;
	if ((r = ids_pool("/etc/subuid", &u, err, errlen)) < 0 ||
	    (r = ids_pool("/etc/subgid", &g, err, errlen)) < 0)
		return r;
	int lock = lock_ids(err, errlen);
	if (lock < 0)
		return lock;
	unsigned n = (u.count < g.count ? u.count : g.count) / VNODE_IDS;
	long slot = pick_slot(name, n, err, errlen);
	close(lock);
	if (slot < 0)
		return (int)slot;
	ids->uid = u.start + (unsigned)slot * VNODE_IDS;
	ids->gid = g.start + (unsigned)slot * VNODE_IDS;
	return 0;
}

void ids_free(const char *name)
{
	char path[sizeof(IDS_DIR) + 300], err[128];
	int lock = lock_ids(err, sizeof(err));
	if (lock < 0)
		errorf("%s: %s", name, err);  /* the unlink below needs no lock to be safe */
	DIR *d = opendir(IDS_DIR);
	for (struct dirent *e; d && (e = readdir(d));) {
		snprintf(path, sizeof(path), IDS_DIR "/%s", e->d_name);
		if (slot_of(name, e->d_name) >= 0 && unlink(path) < 0)
			errorf("%s: freeing uid range %s: %s", name, path, strerror(errno));
	}
	if (d)
		closedir(d);
	if (lock >= 0)
		close(lock);
}
