/* The vnode command line, parsed into data by a table (cli.c), with no side effect:
 * main.c runs what it says, and tests/unit/test_hostside_cli.c checks the parsing. */
#ifndef VNODE_CLI_H
#define VNODE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "verb.h"

enum command { CMD_HELP, CMD_BOOT, CMD_STOP, CMD_STATUS, CMD_LIST, CMD_EXEC, CMD_WAIT,
	       CMD_LOG, CMD_CONSOLE, CMD_ALL, CMD_WAIT_ALL, CMD_RESUME, CMD_RUN, NCOMMANDS };

#define CLI_MAX_ENV 32
#define VNODESETUP_WAIT 30  /* seconds, as Emulab's vnodesetup waited for a stop */

struct cli {
	enum command cmd;
	enum verb verb;       /* CMD_BOOT, CMD_STOP, CMD_ALL */
	const char *home;     /* --home DIR, or NULL */
	char **names;         /* the NAMEs */
	int nnames;
	char **rest;          /* exec: CMD...; __resume: its --key=value arguments */
	int nrest;
	bool foreground;      /* boot -f */
	bool json;            /* list --json, status --json */
	bool raw, follow;     /* log --raw, log -f */
	bool force;           /* console --force */
	unsigned jobs;        /* *-all -j N; 0: one per CPU */
	bool background;      /* bootvnodes without -f: the batch detached, the command returns */
	unsigned stop_wait;   /* vnodesetup -h|-k: seconds to wait for the stop, then exit 0 */
	bool needs_root;
	char *env[CLI_MAX_ENV + 1];  /* exec -e KEY=VALUE..., NULL-terminated */
	int nenv;
	const char *workdir;  /* exec -w DIR, or NULL */
};

/* argv[0]'s base name picks the vnode syntax or a compatibility one (pretend-boot,
 * bootvnodes, vnodesetup). 0, or -EINVAL with a one-line message in err. */
int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t errlen);

extern const char cli_usage[];

#endif
