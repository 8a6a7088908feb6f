/* init_ctlwrite: write sysvinit init_request records to an initctl FIFO, the way
 * telinit/shutdown do, or in deliberately awkward ways.
 *   init_ctlwrite FIFO runlevel C [SLEEPTIME]   one request
 *   init_ctlwrite FIFO setenv VAR=VALUE          INIT_CMD_SETENV
 *   init_ctlwrite FIFO split C                   one request in three writes
 *   init_ctlwrite FIFO double C1 C2              two requests in one write
 *   init_ctlwrite FIFO badmagic C                a request with a wrong magic */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "initctl.h"

static void record(unsigned char *rec, int magic, int cmd, int runlevel, int sleeptime)
{
	int f[4] = { magic, cmd, runlevel, sleeptime };
	memset(rec, 0, INITCTL_SIZE);
	memcpy(rec, f, sizeof(f));
}

static void put(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n) {
		perror("init_ctlwrite: write");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	unsigned char rec[2 * INITCTL_SIZE];
	if (argc < 4) {
		fprintf(stderr, "usage: init_ctlwrite FIFO runlevel|setenv|split|double|badmagic ARG...\n");
		return 2;
	}
	int fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	const char *how = argv[2];
	if (!strcmp(how, "runlevel")) {
		record(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, argv[3][0], argc > 4 ? atoi(argv[4]) : 0);
		put(fd, rec, INITCTL_SIZE);
	} else if (!strcmp(how, "setenv")) {
		record(rec, INITCTL_MAGIC, INITCTL_CMD_SETENV, 0, 0);
		strncpy((char *)rec + 16, argv[3], INITCTL_DATA_SIZE - 1);
		put(fd, rec, INITCTL_SIZE);
	} else if (!strcmp(how, "split")) {
		record(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, argv[3][0], 0);
		put(fd, rec, 3);
		put(fd, rec + 3, 100);
		put(fd, rec + 103, INITCTL_SIZE - 103);
	} else if (!strcmp(how, "double") && argc > 4) {
		record(rec, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, argv[3][0], 0);
		record(rec + INITCTL_SIZE, INITCTL_MAGIC, INITCTL_CMD_RUNLVL, argv[4][0], 0);
		put(fd, rec, 2 * INITCTL_SIZE);
	} else if (!strcmp(how, "badmagic")) {
		record(rec, 0x12345678, INITCTL_CMD_RUNLVL, argv[3][0], 0);
		put(fd, rec, INITCTL_SIZE);
	} else {
		fprintf(stderr, "init_ctlwrite: unknown mode %s\n", how);
		return 2;
	}
	return close(fd) == 0 ? 0 : 1;
}
