/* vnode: the host-side launcher. Its declarations, beyond what it shares with
 * vnode-monitor (runtime.h). A command's path: main.c (cli.c) -> boot.c -> load.c
 * (config.c) -> launch.c -> child.c (mount/, netns/) -> vinit -> hostside/monitor/. */
#ifndef VNODE_H
#define VNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup.h"
#include "config.h"
#include "runtime.h"
#include "verb.h"
#include "vmount.h"
#include "vnet.h"

#define STOP_TIMEOUT_DEFAULT 30
#define BOOT_TIMEOUT_DEFAULT 60
#define LOG_MAX_DEFAULT (1LL << 20)
#define MAX_VNODES 4096   /* under one VNODE_HOME, for list and the batch */

struct vnode {
	struct vnode_id id;
	struct conf conf;
	struct vm_config vm;
	struct vn_config net;
	const char *hostname, *init;
	struct hook hook;          /* HOOK, HOOK_TIMEOUT */
	unsigned stop_timeout;     /* seconds */
	unsigned boot_timeout;     /* seconds, 0: none */
	bool privileged;           /* PRIVILEGED=yes: no user namespace (vnode(8)) */
	bool env_only;             /* no config: DISKS, BRIDGES from the environment alone */
	long long log_max;         /* LOG_MAX, bytes */
	struct vnode_ids ids;      /* unprivileged: root inside is ids.uid on the host */
	unsigned long long caps_drop;  /* bounding-set capabilities to drop */
	struct vnode_limits limits;    /* MEMORY_MAX, PIDS_MAX, ...: its cgroup's */
};

/* The /run/netns name of a vnode, or NULL with NETWORK=host. */
static inline const char *vnode_netns(const struct vnode *v)
{
	return v->net.mode == VN_HOST ? NULL : v->net.name;
}

/* load.c: the config into struct vnode (v zeroed). -ENOENT: no such vnode; -EINVAL:
 * a bad config, said in err with its file:line. */
int vnode_load(struct vnode *v, const char *name, char *err, size_t errlen);
void vnode_free(struct vnode *v);
/* "FILE:LINE:COL: KEY" (or the environment's) into buf, for a message about KEY. */
int vnode_where(const struct vnode *v, const char *key, char *buf, size_t len);
/* The exit status of a failed vnode_load: a usage error, unless memory ran out. */
int load_failed(int r, const char *err);

/* caps.c */
int caps_parse(const struct conf *c, unsigned long long *drop, char *err, size_t errlen);
int caps_drop_bounding(unsigned long long drop, char *err, size_t errlen);

/* seccomp.c: the filter every vnode process runs under (vnode(8), SECCOMP). */
struct sock_filter;
const struct sock_filter *seccomp_program(unsigned *n);
int seccomp_apply(char *err, size_t errlen);

/* launch.c: boots the vnode, then execs vnode-monitor (hostside/monitor/). */
struct handoff;
/* client: boot -f's end of a socket pair, attached to the console from the start, or -1 */
int launch(struct vnode *v, int lockfd, int report_fd, int client);
int launch_resume(const struct handoff *h);

/* child.c: the process that becomes the vnode's init. go: a unix socket; the monitor
 * sends CHILD_ROOT with the prepared root (vm_prepare), the child CHILD_BUILT once it
 * has placed it, the monitor CHILD_GO once the veths exist. */
struct child_pipes { int go, err, ready; };
enum { CHILD_ROOT = 'p', CHILD_BUILT = 'b', CHILD_GO = 'g' };
int child_main(struct vnode *v, struct child_pipes p) __attribute__((noreturn));

/* fdpass.c: a one-byte tag, len bytes of data and up to FDPASS_MAX_FDS fds over a
 * unix socket. 0 or -errno; recv gives -EPIPE when the peer closed without sending,
 * -EMSGSIZE when the message was not len bytes. */
#define FDPASS_MAX_FDS VM_PREPARED_MAX_FDS
int fdpass_send(int sock, char tag, const void *data, size_t len, const int *fds, unsigned n);
int fdpass_recv(int sock, char *tag, void *data, size_t len, int *fds, unsigned max, unsigned *n);

/* The commands: each is an edge, printing its own errors and returning an exit status.
 * boot.c, stop.c, info.c, exec.c, batch.c */
/* here: `vnode run`, the boot in this process, which becomes the monitor */
int cmd_boot(const char *name, bool foreground, bool here);
int cmd_console(const char *name, bool force);
/* halt, kill, reboot; wait_s > 0: a halt or kill waited for that long at most, then
 * exit 0 whether it stopped or not (vnodesetup's way) */
int cmd_stop(const char *name, enum verb how, unsigned wait_s);
int cmd_status(const char *name, bool json);
int cmd_list(bool json);
int cmd_wait(const char *name);
int cmd_log(const char *name, bool raw, bool follow);
/* boot.c: why `vnode boot` got no "up": its monitor ended, with status (waitpid's). */
void monitor_died(const char *name, int status);
int cmd_exec(const char *name, char *const cmd[], char *const env[], const char *workdir);

/* machined.c: the vnode as a machine of systemd-machined, for a vnode in unit's cgroup
 * (failures said, never fatal). */
void machined_register(const char *name, pid_t leader, const char *root, const char *unit);

/* json.c: status --json is json_status_begin, json_vnode (v: the config, loaded), then
 * json_status_end; list --json the same with a json_vnode (v NULL) per vnode. */
void json_vnode(const char *name, const char *state, const struct vnode_state *st,
		const struct vnode *v, const char *root, const char *network);
void json_list_begin(void);
void json_list_end(void);
void json_status_begin(void);
void json_status_end(void);

/* sealed.c: re-execs this program from a sealed memfd copy, unless it runs from one;
 * returns only on failure (or 0 when already sealed). */
int exec_sealed(char **argv, char *err, size_t errlen);
/* pty.c: a pty of the vnode's devpts (rootfd: its root, seen from here), its window the
 * operator's; and the proxy between it and the operator's terminal, until child ends. */
int pty_open(int rootfd, int *master, int *slave, char *err, size_t errlen);
int pty_proxy(int master, pid_t child);
/* batch.c: one verb for every vnode, jobs at a time; or that detached (bootvnodes
 * without -f), returning at once, its output to BATCH_LOG; and waiting until no detached
 * one is left. */
#define BATCH_LOG VNODE_LOG_DIR "/bootvnodes.log"
int cmd_all(enum verb verb, unsigned jobs);
int cmd_all_background(enum verb verb, unsigned jobs);
int cmd_wait_all(void);

#endif
