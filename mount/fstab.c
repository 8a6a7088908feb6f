/* Pure: the lines of an image's /etc/fstab that name a DISKS node beyond the root.
 * The image is hostile, so an option reaches the kernel only if it is in a table
 * here: the generic ones become mount attributes, and a few ext2/3/4 ones go to the
 * superblock. nodev is always set: a device node on a disk is the disk's to forge.
 * errors=panic is refused here, and the build gives every ext* mount an explicit
 * errors= (see disks.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "disks.h"
#include "vmerr.h"
#include "vmount.h"

bool vm_is_ext(const char *type)
{
	return !strcmp(type, "ext2") || !strcmp(type, "ext3") || !strcmp(type, "ext4");
}

/* Generic options: mount attributes set and cleared. */
static const struct {
	const char *name;
	unsigned set, clear;
} attr_opts[] = {
	{ "defaults", 0, 0 },
	{ "rw", 0, MOUNT_ATTR_RDONLY },	      { "ro", MOUNT_ATTR_RDONLY, 0 },
	{ "nosuid", MOUNT_ATTR_NOSUID, 0 },   { "suid", 0, MOUNT_ATTR_NOSUID },
	{ "nodev", 0, 0 },		      { "dev", 0, 0 }, /* nodev regardless */
	{ "noexec", MOUNT_ATTR_NOEXEC, 0 },   { "exec", 0, MOUNT_ATTR_NOEXEC },
	{ "noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
	{ "relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
	{ "strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
	{ "atime", 0, 0 },		      { "nodiratime", MOUNT_ATTR_NODIRATIME, 0 },
	{ "diratime", 0, MOUNT_ATTR_NODIRATIME },
	/* for mount(8) and systemd only */
	{ "auto", 0, 0 },		      { "nouser", 0, 0 },
	{ "_netdev", 0, 0 },		      { "nofail", 0, 0 },
};

/* Superblock options passed on as written, for every type or for ext2/3/4 only. */
static const struct {
	const char *name;
	bool ext_only;
} sb_opts[] = {
	{ "sync", false },	       { "async", false },	 { "dirsync", false },
	{ "lazytime", false },	       { "nolazytime", false },	 { "errors=remount-ro", true },
	{ "errors=continue", true },   { "data=ordered", true }, { "data=journal", true },
	{ "data=writeback", true },    { "user_xattr", true },	 { "nouser_xattr", true },
	{ "acl", true },	       { "noacl", true },	 { "discard", true },
	{ "nodiscard", true },	       { "barrier", true },	 { "nobarrier", true },
	{ "noauto_da_alloc", true },   { "auto_da_alloc", true },
};

void vm_disk_node(const struct vm_disk *d, char *buf, size_t len)
{
	if (d->part)
		snprintf(buf, len, "%s%u", d->node, d->part);
	else
		snprintf(buf, len, "%s", d->node);
}

/* fstab(5) escapes blanks and backslashes in its fields as \ooo octal. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

/* Which DISKS entry beyond the root dev names, or -1. */
static int disk_of(const char *dev, const struct vm_config *c)
{
	char node[48];
	if (strncmp(dev, "/dev/", 5) != 0)
		return -1;
	for (unsigned i = 1; i < c->ndisks; i++) {
		vm_disk_node(&c->disks[i], node, sizeof(node));
		if (!strcmp(dev + 5, node))
			return (int)i;
	}
	return -1;
}

static bool has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = opts; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncmp(p, name, n))
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

/* Under one of the launcher's own mounts, or the root: not a disk's place. */
static bool reserved_dir(const char *dir)
{
	static const char *const own[] = { "/dev", "/proc", "/sys" };
	if (strspn(dir, "/") == strlen(dir))
		return true;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		size_t n = strlen(own[i]);
		if (!strncmp(dir, own[i], n) && (dir[n] == 0 || dir[n] == '/'))
			return true;
	}
	return false;
}

/* Appends s to the comma-separated list buf; false when it does not fit. */
static bool append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	return (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", s) < len - n;
}

/* One option into e; false when no table has it. */
static bool take_opt(struct vm_fsent *e, const char *o)
{
	for (size_t i = 0; i < sizeof(attr_opts) / sizeof(attr_opts[0]); i++)
		if (!strcmp(o, attr_opts[i].name)) {
			e->attrs = (e->attrs & ~attr_opts[i].clear) | attr_opts[i].set;
			return true;
		}
	for (size_t i = 0; i < sizeof(sb_opts) / sizeof(sb_opts[0]); i++)
		if (!strcmp(o, sb_opts[i].name) && (!sb_opts[i].ext_only || vm_is_ext(e->type)))
			return append(e->opts, sizeof(e->opts), o);
	/* commit=SECONDS, and the comments mount(8) and systemd keep in fstab */
	if (vm_is_ext(e->type) && !strncmp(o, "commit=", 7) && o[7] &&
	    strspn(o + 7, "0123456789") == strlen(o + 7))
		return append(e->opts, sizeof(e->opts), o);
	return !strncmp(o, "x-", 2) || !strncmp(o, "comment=", 8);
}

static int parse_opts(struct vm_fsent *e, char *opts, char *err, size_t errlen)
{
	e->attrs = MOUNT_ATTR_NODEV;
	e->opts[0] = 0;
	char *save;
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "errors=panic"))
			return vm_fail(err, errlen, EINVAL,
				       "line %u: option errors=panic would let this disk panic the host",
				       e->line);
		if (!take_opt(e, o))
			return vm_fail(err, errlen, EINVAL,
				       "line %u: option \"%.64s\" is not one vnode passes to the kernel "
				       "for %s", e->line, o, e->type);
	}
	e->attrs |= MOUNT_ATTR_NODEV;
	return 0;
}

/* One line already split into fields; 1 if it is ours (filled into e), 0 if not. */
static int parse_line(char *dev, char *dir, char *type, char *opts, const struct vm_config *c,
		      struct vm_fsent *e, char *err, size_t errlen)
{
	int disk = disk_of(dev, c);

	if (disk < 0 || !dir || !type)
		return 0;
	if (!opts)
		opts = "defaults";
	if (has_opt(opts, "noauto") || !strcmp(type, "swap"))
		return 0;
	unescape(dir);
	if (!strcmp(dir, "/"))
		return 0;
	if (!vm_clean_abs_path(dir) || strlen(dir) >= sizeof(e->dir))
		return vm_fail(err, errlen, EINVAL, "line %u: %s: mount point \"%.80s\" is not a "
			       "clean absolute path", e->line, dev, dir);
	if (reserved_dir(dir))
		return vm_fail(err, errlen, EINVAL, "line %u: %s: mount point %.80s is the launcher's "
			       "(/, /dev, /proc, /sys)", e->line, dev, dir);
	if ((size_t)snprintf(e->type, sizeof(e->type), "%s", type) >= sizeof(e->type) ||
	    strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(type))
		return vm_fail(err, errlen, EINVAL, "line %u: %s: \"%.40s\" is not a filesystem type",
			       e->line, dev, type);
	snprintf(e->dir, sizeof(e->dir), "%s", dir);
	e->disk = (unsigned)disk;
	e->nofail = has_opt(opts, "nofail");
	return parse_opts(e, opts, err, errlen) < 0 ? -EINVAL : 1;
}

int vm_fstab_parse(const char *text, const struct vm_config *c, struct vm_fsent *out,
		   unsigned max, unsigned *n, char *err, size_t errlen)
{
	char line[1024];
	unsigned lineno = 0;

	*n = 0;
	for (const char *p = text; *p;) {
		size_t k = strcspn(p, "\n");
		lineno++;
		if (k >= sizeof(line))
			return vm_fail(err, errlen, EINVAL, "line %u: longer than %zu bytes", lineno,
				       sizeof(line) - 1);
		memcpy(line, p, k);
		line[k] = 0;
		p += k + (p[k] == '\n');
		char *save, *dev = strtok_r(line, " \t", &save);
		if (!dev || dev[0] == '#')
			continue;
		char *dir = strtok_r(NULL, " \t", &save), *type = strtok_r(NULL, " \t", &save);
		char *opts = strtok_r(NULL, " \t", &save);
		struct vm_fsent e = { .line = lineno };
		int r = parse_line(dev, dir, type, opts, c, &e, err, errlen);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (*n >= max)
			return vm_fail(err, errlen, EINVAL, "line %u: more than %u disk mounts", lineno,
				       max);
		out[(*n)++] = e;
	}
	return 0;
}
