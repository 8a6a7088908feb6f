/* In the child that builds the root: images attached to loop devices, and the DISKS
 * that the image's own /etc/fstab names, mounted by us. The vnode may not be allowed
 * to mount a disk filesystem (an unprivileged vnode cannot mount ext4), and its
 * fstab is the image's word on where its disks go, so the launcher honours the lines
 * that name DISKS nodes, with the options fstab.c lets through. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "disks.h"
#include "vmerr.h"

#define FSTAB_MAX (64 * 1024)

int vm_attach(const char *label, const char *path, int fd, unsigned part, bool ro,
	      const struct vm_extent *known, bool blank_ok, int *nr, struct vm_extent *x,
	      char *err, size_t errlen)
{
	int own = -1, r = 0;

	if (fd < 0 && (fd = own = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC)) < 0)
		return vm_fail(err, errlen, errno, "%s: open %s: %s", label, path, strerror(errno));
	if (known) {
		*x = *known; /* probed by vm_resolve on the host */
	} else if ((r = vm_probe_fd(fd, part, VM_PROBE_FS, x, err, errlen)) == -ENOMEDIUM &&
		   blank_ok) {
		x->blank = true;
		r = 0;
	}
	if (r < 0) {
		vm_prefix(err, errlen, "%s: %s", label, path);
	} else if ((r = vm_loop_attach(path, fd, x->offset, x->size, ro, nr, err, errlen)) < 0) {
		vm_prefix(err, errlen, "%s: attach %s", label, path);
	}
	if (own >= 0)
		close(own);
	return r;
}

int vm_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = resolve };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* ROOT/etc/fstab into buf; 0 with buf "" when there is none. */
static int read_fstab(int rootfd, char *buf, size_t len, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n = 0, k;
	int fd = vm_openat2(rootfd, "etc/fstab", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);

	buf[0] = 0;
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return vm_fail(err, errlen, errno, "/etc/fstab: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vm_fail(err, errlen, EINVAL, "/etc/fstab: not a regular file");
	}
	while ((size_t)n < len - 1 && (k = read(fd, buf + n, len - 1 - (size_t)n)) > 0)
		n += k;
	close(fd);
	if (k < 0 || (size_t)n >= len - 1 || memchr(buf, 0, (size_t)n))
		return vm_fail(err, errlen, k < 0 ? errno : EINVAL, "/etc/fstab: %s",
			       k < 0 ? strerror(errno) : (size_t)n >= len - 1 ?
			       "larger than 64 KiB" : "has NUL bytes");
	buf[n] = 0;
	return 0;
}

/* The kernel's own words on a failed fs context (the last line it logged), if any. */
static void context_log(int fsfd, char *buf, size_t len)
{
	char line[256];
	ssize_t n;
	buf[0] = 0;
	while ((n = read(fsfd, line, sizeof(line) - 1)) > 0) {
		line[n] = 0;
		snprintf(buf, len, " (%s)", line[1] == ' ' ? line + 2 : line);
	}
}

static int set_opts(int fsfd, const char *opts, const char *type, bool ro)
{
	char buf[256], *save;
	int r = 0;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *o = strtok_r(buf, ",", &save); o && !r; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		if (eq)
			*eq = 0;
		r = eq ? fsconfig(fsfd, FSCONFIG_SET_STRING, o, eq + 1, 0) :
			 fsconfig(fsfd, FSCONFIG_SET_FLAG, o, NULL, 0);
	}
	if (!r && vm_is_ext(type) && !strstr(opts, "errors="))
		r = fsconfig(fsfd, FSCONFIG_SET_STRING, "errors", "remount-ro", 0);
	if (!r && ro)
		r = fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0);
	return r;
}

/* The type to mount: the probed one, which the line must agree with (any ext* name
 * will do for an ext* disk: the ext4 driver mounts all three). */
static int pick_type(const struct vm_fsent *e, const struct vm_extent *x, const char **type,
		     char *err, size_t errlen)
{
	if (x->blank)
		return vm_fail(err, errlen, ENOMEDIUM, "the disk has no filesystem");
	*type = x->fstype;
	if (!strcmp(e->type, "auto") || !strcmp(e->type, x->fstype))
		return 0;
	if (vm_is_ext(e->type) && vm_is_ext(x->fstype)) {
		*type = e->type;
		return 0;
	}
	return vm_fail(err, errlen, EINVAL, "the disk is %s, not %s", x->fstype, e->type);
}

int vm_mount_detached(const char *dev, const char *type, const char *opts, unsigned attrs,
		      bool ro, char *err, size_t errlen)
{
	char why[300];
	int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return vm_fail(err, errlen, errno, "fsopen %s: %s", type, strerror(errno));
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
	    set_opts(fsfd, opts, type, ro) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int en = errno;
		context_log(fsfd, why, sizeof(why));
		close(fsfd);
		return vm_fail(err, errlen, en, "mount %s %s: %s%s", type, dev, strerror(en), why);
	}
	int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs | (ro ? MOUNT_ATTR_RDONLY : 0));
	int en = errno;
	close(fsfd);
	if (mfd < 0)
		return vm_fail(err, errlen, en, "fsmount %s %s: %s", type, dev, strerror(en));
	return mfd;
}

/* One line's filesystem as a detached mount: its fd, or -errno. */
static int make_mount(const struct vm_fsent *e, const struct vm_disk *d, int nr,
		      const struct vm_extent *x, char *err, size_t errlen)
{
	char dev[32];
	const char *type = "";
	int r = pick_type(e, x, &type, err, errlen);

	if (r < 0)
		return r;
	snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
	return vm_mount_detached(dev, type, e->opts, e->attrs, d->ro || (e->attrs & MOUNT_ATTR_RDONLY),
				 err, errlen);
}

int vm_fstab_prepare(const struct vm_config *c, int rootfd, const int *nr,
		     const struct vm_extent *x, struct vm_held *held, struct vm_fsmounts *fm,
		     char *err, size_t errlen)
{
	static char text[FSTAB_MAX];
	char node[48];
	int r;

	fm->n = 0;
	if ((r = read_fstab(rootfd, text, sizeof(text), err, errlen)) < 0 ||
	    (r = vm_fstab_parse(text, c, fm->e, VM_MAX_FSTAB, &fm->n, err, errlen)) < 0) {
		fm->n = 0;
		vm_prefix(err, errlen, "the image's /etc/fstab");
		return r;
	}
	for (unsigned i = 0; i < fm->n; i++)
		fm->mfd[i] = -1;
	for (unsigned i = 0; i < fm->n; i++) {
		const struct vm_fsent *e = &fm->e[i];
		r = make_mount(e, &c->disks[e->disk], nr[e->disk], &x[e->disk], err, errlen);
		if (r >= 0) {
			fm->mfd[i] = r;
			continue;
		}
		vm_disk_node(&c->disks[e->disk], node, sizeof(node));
		vm_prefix(err, errlen, "/etc/fstab:%u: /dev/%s on %s", e->line, node, e->dir);
		if (!e->nofail)
			return r;
		if (!held->note[0])
			snprintf(held->note, sizeof(held->note), "%s (nofail: skipped)", err);
	}
	return 0;
}

int vm_fstab_place(struct vm_fsmounts *fm, char *err, size_t errlen)
{
	int r;

	for (unsigned i = 0; i < fm->n; i++) {
		const struct vm_fsent *e = &fm->e[i];
		if (fm->mfd[i] < 0)
			continue;
		if ((r = vm_mkdir_p(e->dir, 0755, err, errlen)) < 0)
			return r;
		/* After pivot_root nothing outside the root is reachable; RESOLVE_IN_ROOT
		 * keeps it so should /proc already be there. */
		int dfd = vm_openat2(AT_FDCWD, e->dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
					  RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (dfd < 0 || move_mount(fm->mfd[i], "", dfd, "",
					  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
			r = vm_fail(err, errlen, errno, "/etc/fstab:%u: mount on %s: %s", e->line,
				    e->dir, strerror(errno));
			if (dfd >= 0)
				close(dfd);
			return r;
		}
		close(dfd);
		close(fm->mfd[i]);
		fm->mfd[i] = -1;
	}
	return 0;
}

void vm_fstab_close(struct vm_fsmounts *fm)
{
	for (unsigned i = 0; i < fm->n; i++)
		if (fm->mfd[i] >= 0)
			close(fm->mfd[i]);
	fm->n = 0;
}
