/* Error lines and flag names for mount/'s messages. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "shared.h"
#include "vmerr.h"

int vm_fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vfill(err, errlen, e, fmt, ap);
	va_end(ap);
	return r;
}

void vm_prefix(char *err, size_t errlen, const char *fmt, ...)
{
	char head[PATH_MAX + 128], rest[1024];
	va_list ap;

	if (!err || !errlen)
		return;
	snprintf(rest, sizeof(rest), "%s", err);
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", head, rest);
}

static const struct {
	unsigned long flag;
	const char *name;
} flag_names[] = {
	{ MS_RDONLY, "MS_RDONLY" },   { MS_NOSUID, "MS_NOSUID" },
	{ MS_NODEV, "MS_NODEV" },     { MS_NOEXEC, "MS_NOEXEC" },
	{ MS_REMOUNT, "MS_REMOUNT" }, { MS_BIND, "MS_BIND" },
	{ MS_MOVE, "MS_MOVE" },       { MS_REC, "MS_REC" },
	{ MS_PRIVATE, "MS_PRIVATE" }, { MS_SLAVE, "MS_SLAVE" },
	{ MS_SHARED, "MS_SHARED" },   { MS_STRICTATIME, "MS_STRICTATIME" },
	{ MS_NOATIME, "MS_NOATIME" }, { MS_RELATIME, "MS_RELATIME" },
};

const char *vm_flag_names(unsigned long flags, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(flags & flag_names[i].flag))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? "|" : "", flag_names[i].name);
		flags &= ~flag_names[i].flag;
	}
	if (flags)
		used += snprintf(buf + used, used < len ? len - used : 0, "%s0x%lx",
				 used ? "|" : "", flags);
	if (!used)
		snprintf(buf, len, "0");
	return buf;
}

static const struct { mode_t type; const char *kind; } file_kinds[] = {
	{ S_IFREG, "a file" },         { S_IFDIR, "a directory" },
	{ S_IFLNK, "a symbolic link" }, { S_IFIFO, "a FIFO" },
	{ S_IFSOCK, "a socket" },       { S_IFCHR, "a character device" },
	{ S_IFBLK, "a block device" },
};

const char *vm_file_kind(mode_t mode)
{
	for (size_t i = 0; i < sizeof(file_kinds) / sizeof(file_kinds[0]); i++)
		if ((mode & S_IFMT) == file_kinds[i].type)
			return file_kinds[i].kind;
	return "of no known kind";
}
