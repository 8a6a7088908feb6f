/* vnode: the host-side launcher. Shared declarations. */
#ifndef VNODE_H
#define VNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "config.h"
#include "vmount.h"
#include "vnet.h"

/* Exit statuses: the contract with scripts and testbeds. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

#define VNODE_HOME_DEFAULT "/opt/sub"
#define VNODE_RUN_DIR "/run/vnode"
#define VNODE_LOG_DIR "/var/log/vnode"
#define VNODE_NAME_MAX 48
#define STOP_TIMEOUT_DEFAULT 30

struct vnode {
	char name[VNODE_NAME_MAX + 1];
	char dir[PATH_MAX];        /* $VNODE_HOME/NAME */
	char pidfile[PATH_MAX];    /* /run/vnode/NAME.pid: the monitor's, locked while it runs */
	char statefile[PATH_MAX];  /* /run/vnode/NAME.state: what was made, for a later reclaim */
	char logfile[PATH_MAX];    /* /var/log/vnode/NAME.log: the console */
	struct conf conf;
	struct vm_config vm;
	struct vn_config net;
	const char *hostname, *init, *hook;
	unsigned stop_timeout;     /* seconds */
	unsigned long long caps_drop;  /* bounding-set capabilities to drop */
};

/* error.c: one error helper. Messages are one line: "vnode: what". */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern const char *vnode_home;

/* paths.c: name checks and paths; load.c: the config into struct vnode. 0 or an exit status. */
bool vnode_name_ok(const char *name, char *why, size_t whylen);
int vnode_paths(struct vnode *v, const char *name);
int vnode_load(struct vnode *v, const char *name);
void vnode_free(struct vnode *v);

/* caps.c */
int caps_parse(const struct conf *c, unsigned long long *drop, char *err, size_t errlen);
int caps_drop_bounding(unsigned long long drop, char *err, size_t errlen);

/* runtime.c: what a running vnode is, from its runtime files. */
struct vnode_state {
	pid_t monitor;   /* 0 when no monitor holds the lock */
	pid_t init;      /* 0 when no init runs */
	long long started;  /* CLOCK_REALTIME seconds */
	unsigned boots;
	char phase[16];  /* booting, up, halting, ... */
};
int runtime_read(const struct vnode *v, struct vnode_state *s);
int runtime_write(const struct vnode *v, const struct vnode_state *s);
int runtime_lock(const struct vnode *v);   /* fd, -EWOULDBLOCK when held, -errno */
void runtime_set_phase(const struct vnode *v, struct vnode_state *s, const char *phase);
void runtime_remove(const struct vnode *v);
long long mono_ms(void);  /* CLOCK_MONOTONIC, ms */
bool pid_alive(pid_t pid);

/* monitor.c: boots the vnode, then execs vnode-monitor (hostside/monitor/) */
struct handoff;
int monitor_run(struct vnode *v, int lockfd, int report_fd, bool foreground);
int monitor_resume(const struct handoff *h);

/* child.c: the process that becomes the vnode's init. go: a unix socket; the child
 * sends 'b' and its held disk fds once its root is built, and reads 'g'. */
struct child_pipes { int go, err, ready; };

/* fdpass.c: a one-byte tag and up to VM_MAX_DISKS fds over a unix socket. 0 or -errno;
 * recv gives -EPIPE when the peer closed without sending. */
int fdpass_send(int sock, char tag, const int *fds, unsigned n);
int fdpass_recv(int sock, char *tag, int *fds, unsigned max, unsigned *n);
int child_main(struct vnode *v, struct child_pipes p) __attribute__((noreturn));

/* hook.c */
void hook_run(const struct vnode *v, const char *event);

/* commands.c, stop.c */
int need_root(void);
int cmd_boot(const char *name, bool foreground);
int cmd_stop(const char *name, int how);   /* how: 'h' halt, 'k' kill, 'r' reboot */
int cmd_status(const char *name);
int cmd_list(bool json);
int cmd_exec(const char *name, char *const cmd[]);
int cmd_log(const char *name);
int cmd_wait(const char *name);
int cmd_all(char verb, unsigned jobs);
int wait_pid_gone(pid_t pid, int timeout_ms);

#endif
