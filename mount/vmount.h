/* vmount: a vnode's root filesystem, host binds and /dev. Pure parsing and planning
 * (parse.c, plan.c, fstab.c, table.c), host-side checks (check.c), the host's half of
 * the build (prepare.c: every mount detached, idmapped to the vnode's user namespace)
 * and the child's (place.c: attach, overlay, pivot, /proc, /sys) are separate, so the
 * first two are testable without root and the last runs in a user namespace.
 *
 * Layout under c->dir ($VNODE_HOME/NAME): root/ work/ NAME.img, and live/, where the
 * child stages the new root (only ever mounted inside the vnode's private namespace). */
#ifndef VMOUNT_H
#define VMOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_MAX_DISKS 16
#define VM_MAX_BINDS 32
#define VM_LOOP_MAJOR 7

/* Where a filesystem lives inside an image: byte range and probed fs type. */
struct vm_extent {
	uint64_t offset, size; /* size 0: to the end of the file */
	char fstype[32];       /* "" with blank */
	unsigned nparts;       /* partitions in the table (0: none) */
	bool blank;            /* no filesystem found: allowed for DISKS beyond the root */
};
/* DISKS entry "node:part:image[:ro]"; part 0 = the image is a bare filesystem. */
struct vm_disk {
	char node[32];
	unsigned part;
	char image[PATH_MAX];
	bool ro;
	struct vm_extent x; /* filled by vm_resolve */
	int fd;             /* the image vm_resolve checked, open until vm_release */
};

/* BINDS entry "/host/path:/path/in/vnode[:ro]". */
struct vm_bind {
	char src[PATH_MAX];
	char dst[PATH_MAX];
	bool ro;
};

struct vm_config {
	const char *name; /* vnode name */
	const char *dir;  /* $VNODE_HOME/NAME */
	const char *base; /* BASE= or NULL */
	struct vm_disk disks[VM_MAX_DISKS];
	unsigned ndisks;
	struct vm_bind binds[VM_MAX_BINDS];
	unsigned nbinds;
	/* Set by vm_resolve: each disks[i].fd, and img_fd (NAME.img, or -1), are the files
	 * it checked, and the build attaches exactly those: one open from check to attach. */
	bool resolved;
	int img_fd;
	bool host_net;    /* NETWORK=host: the vnode's /sys is the host's, read-only */
	/* The tty bound on the vnode's /dev/console (its monitor's pty), or NULL: then
	 * /dev/console is a link to the init's stdout. */
	const char *console;
	/* The size of its /dev/shm and /run in bytes (bounded by its memory), or 0: tmpfs's
	 * own default, half of the host's RAM. */
	unsigned long long tmpfs_size;
};

/* Pure: parse one DISKS / BINDS entry. 0, or -EINVAL with a one-line reason. */
int vm_parse_disk(const char *text, struct vm_disk *out, char *err, size_t errlen);
int vm_parse_bind(const char *text, struct vm_bind *out, char *err, size_t errlen);
/* Pure: a node name is a plain word: [a-z][a-z0-9_]*, shorter than 16, and not
 * one of the names the vnode's /dev already uses. */
bool vm_node_name_ok(const char *node);

/* Root modes, after the subhost `control` layout. */
enum vm_mode {
	VM_MODE_DISK,    /* (a) root is DISKS[0] */
	VM_MODE_BIND,    /* (b) root/ bind-mounted */
	VM_MODE_OVERLAY, /* (c) root/ over BASE, work/ as workdir */
	VM_MODE_IMAGE,   /* (d) NAME.img on mnt/, mnt/root (over BASE if set) */
};
/* DIR/NAME.img into buf (pure); whether the root comes from it: no DISKS, and the file is
 * there (or, once vm_resolve ran, was opened). The one place this is decided. */
void vm_image_path(const struct vm_config *c, char *buf, size_t len);
bool vm_has_image(const struct vm_config *c);
/* Pure: DISKS win, then NAME.img (has_img), then BASE, then root/. */
enum vm_mode vm_select_mode(const struct vm_config *c, bool has_img);
const char *vm_mode_name(enum vm_mode m);

/* One mount of the root stage, as data. disk >= 0: `what` is that DISKS entry
 * (VM_DISK_IMG: NAME.img), attached to a loop device and its fs type probed at
 * build time; type is then NULL. */
#define VM_DISK_NONE (-1)
#define VM_DISK_IMG (-2)
#define VM_PLAN_MAX 3
struct vm_mount {
	char what[PATH_MAX];
	char where[PATH_MAX];
	const char *type;
	unsigned long flags;
	char opts[3 * PATH_MAX + 64];
	bool fatal;
	int disk;
};
struct vm_plan {
	enum vm_mode mode;
	unsigned n;
	struct vm_mount m[VM_PLAN_MAX];
};
/* Pure: the root-stage mounts the config selects. layers: mode d's root/ and work/
 * as the build opened them inside the mounted image, or NULL for DIR/mnt/root and
 * DIR/mnt/work. 0 or -ENAMETOOLONG/-EINVAL. */
int vm_plan_root(const struct vm_config *c, bool has_img, const char *const layers[2],
		 struct vm_plan *p, char *err, size_t errlen);

/* What the vnode mounts for itself after pivot_root, as a static table; its /dev, a
 * tmpfs with the nodes below, comes from vm_prepare. */
struct vm_fixed_mount {
	const char *what, *where, *type;  /* where: relative to the new root */
	unsigned attrs;                   /* MOUNT_ATTR_* */
	const char *opts;
	bool fatal;
};
extern const struct vm_fixed_mount vm_fixed_mounts[];
extern const unsigned vm_nfixed_mounts;
struct vm_devnode {
	const char *name;
	unsigned major, minor;
	unsigned mode;
};
extern const struct vm_devnode vm_devnodes[];
extern const unsigned vm_ndevnodes;
struct vm_devlink {
	const char *name, *target;
};
extern const struct vm_devlink vm_devlinks[];
extern const unsigned vm_ndevlinks;

/* One partition table entry, in 512-byte sectors. */
struct vm_part {
	unsigned partno;
	uint64_t start, sectors;
	bool extended; /* an MBR container of logical partitions */
};
/* Pure: every entry lies inside an image of image_size bytes, none overflows, and no
 * two overlap (but an extended one and its logicals). 0 or -EINVAL naming the entry. */
int vm_check_table(const struct vm_part *e, unsigned n, uint64_t image_size, char *err,
		   size_t errlen);

/* Reads the partition table (MBR/GPT) of `image` with libblkid when part > 0,
 * then the fs type at that range. -errno with a one-line reason (no object name). */
int vm_probe_image(const char *image, unsigned part, struct vm_extent *x,
		   char *err, size_t errlen);
/* Same, on an already open fd. want: VM_PROBE_TABLE (range only), VM_PROBE_FS
 * (first fs signature found) or VM_PROBE_FS_SAFE (all of them; ambiguity is an
 * error; what vm_probe_image and vm_check use). The whole table is checked with
 * vm_check_table whenever it is read. No filesystem at the range: -ENOMEDIUM. */
enum { VM_PROBE_TABLE = 0, VM_PROBE_FS = 1, VM_PROBE_FS_SAFE = 2 };
int vm_probe_fd(int fd, unsigned part, int want, struct vm_extent *x, char *err, size_t errlen);

/* Host side, before anything is created: everything that can be checked.
 * 0 or -errno with err = one line naming the object. */
int vm_check(const struct vm_config *c, char *err, size_t errlen);
/* vm_check, and it keeps what it probed (each disk's range and fs type) in c, so
 * vm_build_root need not run libblkid again in the child (about 0.3 ms a disk), and
 * the files it checked open (close-on-exec), for the build to attach. */
int vm_resolve(struct vm_config *c, char *err, size_t errlen);
/* Closes what vm_resolve opened; the process that forked the builder calls it. */
void vm_release(struct vm_config *c);

/* The loop devices of DISKS beyond the root, open and close-on-exec. They are
 * autoclear: the device is released when its last opener closes it. A mount holds
 * the root's for as long as the vnode's mount namespace lives; nothing holds these
 * but their openers, so whoever builds the root decides who keeps them open for the
 * vnode's whole life (hostside: its init and its monitor, see child.c). */
struct vm_held {
	int fd[VM_MAX_DISKS];  /* DISKS[1..n] in order */
	unsigned n;
	char note[600];  /* a nofail fstab line that was skipped, and why ("" none) */
};

/* vm_prepare and vm_place together, in one process already in a fresh mount
 * namespace, with no idmap (the mount_boot test helper and the bench use it). */
int vm_build_root(const struct vm_config *c, struct vm_held *held, char *err, size_t errlen);

/* The image's /etc/fstab lines that name a DISKS node beyond the root
 * (/dev/NODE, or /dev/NODEPART). The launcher mounts these itself, before the
 * vnode's init runs: the vnode may not be allowed to mount a disk filesystem. */
#define VM_MAX_FSTAB 16
struct vm_fsent {
	unsigned line;     /* in the fstab, from 1 */
	unsigned disk;     /* DISKS index */
	char dir[256];     /* clean, absolute, not /, /dev, /proc or /sys or below */
	char type[32];     /* as written: "auto" or a type the disk must probe as */
	unsigned attrs;    /* MOUNT_ATTR_*; always NODEV */
	char opts[256];    /* superblock options for fsconfig, comma-separated ("" none) */
	bool nofail;       /* a disk that cannot be mounted is skipped, with a note */
};
/* Pure. Lines with noauto, swap, a root "/" or another device are not ours and are
 * skipped. 0 with *n entries, or -EINVAL with err = "line N: what is wrong". */
int vm_fstab_parse(const char *text, const struct vm_config *c, struct vm_fsent *out,
		   unsigned max, unsigned *n, char *err, size_t errlen);
/* The name of DISKS entry d's node under /dev: NODE, or NODEPART when part > 0. */
void vm_disk_node(const struct vm_disk *d, char *buf, size_t len);

/* The root in two steps, so that a vnode in a user namespace gets it (see the
 * launcher's launch.c and child.c):
 *   vm_prepare, on the host: every mount the root is made of, detached (fsmount,
 *     open_tree clones: nothing is attached on the host), and with an idmap each is
 *     idmapped to the vnode's user namespace, so that root inside owns what root owns
 *     on disk and a file root writes inside is root's on disk. Its /dev is a tmpfs
 *     with its nodes, made here: a user namespace may not mknod.
 *   vm_place, in the child, in its own mount namespace (owned by that user namespace):
 *     attaches them with move_mount, mounts the overlay itself (overlayfs writes its
 *     work/ with the mounter's ids, which the idmap maps only from inside), pivots,
 *     then mounts its own /dev/pts, /dev/shm, /proc and /sys.
 * The fds cross between the two in the order vm_prepared_fds gives. */
struct vm_idmap {
	int userns_fd;     /* the vnode's user namespace */
	unsigned uid, gid; /* what root inside is on the host */
};
struct vm_fsmounts {
	struct vm_fsent e[VM_MAX_FSTAB];
	int mfd[VM_MAX_FSTAB];  /* detached mounts (fsmount), -1 once placed or skipped */
	unsigned n;
};
struct vm_prepared {
	enum vm_mode mode;
	int root;   /* modes a, b: the root; c: DIR (root/ and work/); d: NAME.img's fs */
	int lower;  /* modes c, d with BASE: BASE, read-only; else -1 */
	int dev;    /* the vnode's /dev */
	int sys;    /* NETWORK=host: the host's /sys, read-only (sysfs shows the mounter's
		     * network namespace); else -1 and the child mounts its own */
	int live;   /* DIR/live, O_PATH, opened by the child: where it assembles the root */
	int console;  /* the console tty, a detached bind of it, or -1 */
	int cgroup;   /* its cgroup2 (vm_cgroupfs), placed on /sys/fs/cgroup, or -1 */
	int bind[VM_MAX_BINDS];
	struct vm_fsmounts fm;
	struct vm_held held;
};
int vm_prepare(const struct vm_config *c, const struct vm_idmap *idmap, struct vm_prepared *p,
	       char *err, size_t errlen);
/* The fd fields of p that are open, in a fixed order: pointers into p, n at most max. */
unsigned vm_prepared_fds(struct vm_prepared *p, int *slot[], unsigned max);
#define VM_PREPARED_MAX_FDS (7 + VM_MAX_BINDS + VM_MAX_FSTAB + VM_MAX_DISKS)
/* A detached cgroup2 mount of the caller's cgroup namespace, rooted at that namespace's
 * cgroup: the fd, or -errno with err filled. */
int vm_cgroupfs(char *err, size_t errlen);
/* Closes every fd of p (the held disks too). */
void vm_prepared_close(struct vm_prepared *p);
/* In the child, in its mount namespace, while it is still the host's root (a user
 * namespace's root may not search the directories above): opens DIR/live. */
int vm_open_live(const struct vm_config *c, struct vm_prepared *p, char *err, size_t errlen);
/* In the child: p's fds are its own now. Places the root, pivots into it, chdir("/").
 * The fds it consumed are closed; p->held stays. */
int vm_place(const struct vm_config *c, struct vm_prepared *p, char *err, size_t errlen);

/* For `vnode kill`: remove the vnode's writable state (mode c: contents of root/
 * and work/; mode d: contents of mnt/root and mnt/work inside NAME.img; modes a
 * and b: nothing). Never a DISKS image. Idempotent. */
int vm_remove_state(const struct vm_config *c, char *err, size_t errlen);

#endif
