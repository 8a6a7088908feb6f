/* A vnode's console: a pty of the host's, held by its monitor. The slave is the vnode's
 * /dev/console and its init's stdin, stdout and stderr; the monitor reads the master into
 * NAME.log and relays it to one attached operator (`vnode console`, `vnode boot -f`)
 * over the socket /run/vnode/NAME.console. Messages are SOCK_SEQPACKET: a tag byte, then
 * data. Built into vnode (console.c, conpty.c) and vnode-monitor (monitor/relay.c). */
#ifndef VNODE_CONSOLE_H
#define VNODE_CONSOLE_H

enum {
	CON_HELLO = 'h',   /* operator, first: one byte, 1 to take over an attached console */
	CON_INPUT = 'i',   /* operator: bytes typed */
	CON_WINSZ = 'w',   /* operator: its struct winsize */
	CON_OUTPUT = 'o',  /* monitor: what the console printed */
	CON_SAY = 's',     /* monitor: a line for the operator; the connection goes on */
	CON_BYE = 'x',     /* monitor: a line for the operator, then it closes the connection */
};
#define CON_MSG_MAX 4097  /* a tag and 4096 bytes */
#define CON_DETACH_KEY 0x1d   /* Ctrl-], pressed three times within a second */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
struct handoff;
struct vnode_id;
/* conpty.c: h->con, con_slave (owned by uid:gid) and con_listen (bound on id->console).
 * 0 or -errno with err filled; what was opened is in h, for the caller to close. */
int console_create(struct handoff *h, const struct vnode_id *id, unsigned uid, unsigned gid,
		   char *err, size_t errlen);
/* One message: 0 or -errno (-EAGAIN on a full non-blocking socket). */
int console_send(int sock, char tag, const void *data, size_t len);
/* What the console printed (buf, n) to the log and to *client (set to -1 if it went
 * away); what could not be written is counted in lost[0] (the log) and lost[1] (the
 * operator, too slow to take it). */
void console_fanout(const char *buf, size_t n, int log, int *client, unsigned lost[2]);
/* console.c: the operator's side until it detaches or the vnode ends. sock: connected;
 * monitor, report: boot -f's (its child, and the pipe that says "up" or why not), else
 * 0 and -1. Returns the exit status. */
int console_attach(const char *name, int sock, bool force, pid_t monitor, int report);

#endif
