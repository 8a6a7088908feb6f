/* Pure parsers for DISKS and BINDS entries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmerr.h"
#include "vmount.h"

/* Names the vnode's /dev already holds, so a disk node cannot shadow them. */
static const char *const reserved_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty", "console", "ptmx",
	"pts", "shm", "net", "fd", "stdin", "stdout", "stderr", "loop",
};

bool vm_node_name_ok(const char *node)
{
	size_t n = strlen(node);

	if (n == 0 || n >= 16 || node[0] < 'a' || node[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = node[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	/* A trailing digit would make "sd1" part 2 and "sd" part 12 the same node. */
	if (node[n - 1] >= '0' && node[n - 1] <= '9')
		return false;
	for (size_t i = 0; i < sizeof(reserved_nodes) / sizeof(reserved_nodes[0]); i++)
		if (!strcmp(node, reserved_nodes[i]))
			return false;
	return true;
}

/* Strips a trailing ":ro" from s (in place); true if it was there. */
static bool strip_ro(char *s)
{
	size_t n = strlen(s);

	if (n >= 3 && !strcmp(s + n - 3, ":ro")) {
		s[n - 3] = 0;
		return true;
	}
	return false;
}

static bool copy(char *dst, size_t len, const char *src)
{
	return (size_t)snprintf(dst, len, "%s", src) < len;
}

int vm_parse_disk(const char *text, struct vm_disk *out, char *err, size_t errlen)
{
	char buf[PATH_MAX + 64], *node, *part, *image, *end;
	unsigned long p;

	memset(out, 0, sizeof(*out));
	if (!copy(buf, sizeof(buf), text))
		return vm_fail(err, errlen, EINVAL, "DISKS entry \"%.40s...\": too long", text);
	node = buf;
	part = strchr(node, ':');
	image = part ? strchr(part + 1, ':') : NULL;
	if (!part || !image)
		return vm_fail(err, errlen, EINVAL,
			       "DISKS entry \"%s\": expected node:part:image", text);
	*part++ = 0;
	*image++ = 0;
	if (!vm_node_name_ok(node))
		return vm_fail(err, errlen, EINVAL,
			       "DISKS entry \"%s\": node name \"%s\" is not a plain word "
			       "(a-z, 0-9, _, not ending in a digit, not a /dev name)",
			       text, node);
	errno = 0;
	p = strtoul(part, &end, 10);
	if (!*part || *end || errno || p > 255 || part[0] == '-' || part[0] == '+')
		return vm_fail(err, errlen, EINVAL,
			       "DISKS entry \"%s\": partition index \"%s\" is not a number 0..255",
			       text, part);
	out->ro = strip_ro(image);
	if (image[0] != '/')
		return vm_fail(err, errlen, EINVAL,
			       "DISKS entry \"%s\": image \"%s\" is not an absolute path", text, image);
	if (!copy(out->image, sizeof(out->image), image))
		return vm_fail(err, errlen, EINVAL, "DISKS entry \"%s\": image path too long", text);
	memcpy(out->node, node, strlen(node) + 1); /* checked short above */
	out->part = (unsigned)p;
	return 0;
}

bool vm_clean_abs_path(const char *p)
{
	const char *s = p;

	if (p[0] != '/')
		return false;
	while (*s) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
	}
	return true;
}

int vm_parse_bind(const char *text, struct vm_bind *out, char *err, size_t errlen)
{
	char buf[2 * PATH_MAX + 8], *src, *dst;

	memset(out, 0, sizeof(*out));
	if (!copy(buf, sizeof(buf), text))
		return vm_fail(err, errlen, EINVAL, "BINDS entry \"%.40s...\": too long", text);
	out->ro = strip_ro(buf);
	src = buf;
	dst = strchr(src, ':');
	if (!dst || strchr(dst + 1, ':'))
		return vm_fail(err, errlen, EINVAL,
			       "BINDS entry \"%s\": expected /host/path:/path/in/vnode[:ro]", text);
	*dst++ = 0;
	if (!vm_clean_abs_path(src))
		return vm_fail(err, errlen, EINVAL,
			       "BINDS entry \"%s\": source \"%s\" is not a clean absolute path",
			       text, src);
	if (!vm_clean_abs_path(dst) || !strcmp(dst, "/") || strspn(dst, "/") == strlen(dst))
		return vm_fail(err, errlen, EINVAL,
			       "BINDS entry \"%s\": target \"%s\" is not a clean absolute path "
			       "below /", text, dst);
	if (!copy(out->src, sizeof(out->src), src) || !copy(out->dst, sizeof(out->dst), dst))
		return vm_fail(err, errlen, EINVAL, "BINDS entry \"%s\": path too long", text);
	return 0;
}
