/* vnode log: the console log, NAME.log (and with LOG_MAX, NAME.log.1 before it). The
 * vnode wrote it, so by default its control characters are shown, not obeyed: an escape
 * sequence in a log must not drive the operator's terminal. --raw gives the bytes; -f
 * follows, across a rotation too. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "vnode.h"

/* Control characters as ^X (and ^[ for ESC), C1 ones (U+0080..U+009F, as UTF-8) as
 * \u00XX; text, newlines and tabs as they are, and a console's \r\n as \n. st carries
 * what a read may split: a UTF-8 lead byte (SPLIT_C2), a \r (SPLIT_CR). */
enum { SPLIT_C2 = 1, SPLIT_CR = 2 };

static void show_byte(unsigned char c, int *st)
{
	if (*st & SPLIT_CR) {
		*st &= ~SPLIT_CR;
		if (c != '\n')
			fputs("^M", stdout);
	}
	if (*st & SPLIT_C2) {
		*st &= ~SPLIT_C2;
		if (c >= 0x80 && c <= 0x9f) {
			printf("\\u%04x", c);
			return;
		}
		putchar(0xc2);
	}
	if (c == 0xc2)
		*st |= SPLIT_C2;
	else if (c == '\r')
		*st |= SPLIT_CR;
	else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		printf("^%c", c == 0x7f ? '?' : c + '@');
	else
		putchar(c);
}

static void show(const unsigned char *b, size_t n, bool raw, int *st)
{
	if (raw) {
		fwrite(b, 1, n, stdout);
		return;
	}
	for (size_t i = 0; i < n; i++)
		show_byte(b[i], st);
}

/* The rest of fd; false when stdout is gone. */
static bool copy_rest(int fd, bool raw, int *c1)
{
	unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		show(buf, (size_t)n, raw, c1);
	return n == 0 && fflush(stdout) == 0 && !ferror(stdout);
}

/* Waits for NAME.log to grow or be rotated (inotify on the log directory); the new
 * file's fd after a rotation, or fd. -1 on failure. */
static int next_change(int ino, int fd, const struct vnode_id *id, bool raw, int *c1)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(id->logfile, '/') + 1;
	struct pollfd p = { ino, POLLIN, 0 };
	if (poll(&p, 1, -1) < 0 && errno != EINTR)
		return -1;
	ssize_t n = read(ino, buf, sizeof(buf));
	for (char *e = buf; n > 0 && e < buf + n; e += sizeof(struct inotify_event) + ((struct inotify_event *)e)->len) {
		struct inotify_event *ev = (struct inotify_event *)e;
		if (!(ev->mask & (IN_CREATE | IN_MOVED_TO)) || !ev->len || strcmp(ev->name, base))
			continue;
		copy_rest(fd, raw, c1);  /* the old file's last lines, then the new one */
		int nfd = open(id->logfile, O_RDONLY | O_CLOEXEC);
		if (nfd >= 0) {
			close(fd);
			fd = nfd;
		}
	}
	return fd;
}

int cmd_log(const char *name, bool raw, bool follow)
{
	struct vnode_id id = { 0 };
	char err[PATH_MAX + 64];
	int c1 = 0;
	if (vnode_id_set(&id, name, err, sizeof(err)) < 0)
		return exit_with(EXIT_USAGE, err);
	int ino = follow ? inotify_init1(IN_CLOEXEC) : -1;
	if (follow && (ino < 0 || inotify_add_watch(ino, VNODE_LOG_DIR, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)) {
		errorf("%s: watching %s: %s", name, VNODE_LOG_DIR, strerror(errno));
		return EXIT_FAILED;
	}
	int fd = open(id.logfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errorf("%s: %s: %s", name, id.logfile, strerror(errno));
		return EXIT_FAILED;
	}
	bool ok = copy_rest(fd, raw, &c1);
	while (ok && follow && (fd = next_change(ino, fd, &id, raw, &c1)) >= 0)
		ok = copy_rest(fd, raw, &c1);
	if (c1 & SPLIT_C2)
		putchar(0xc2);  /* a lone lead byte at the end, as it was */
	if (c1 & SPLIT_CR)
		fputs("^M", stdout);
	if (fd >= 0)
		close(fd);
	return ok && fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}
