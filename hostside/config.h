/* vnode config file: $VNODE_HOME/NAME/config, a safe subset of bash that is
 * parsed, never executed. The syntax and keys are in man/vnode.conf.5. */
#ifndef VNODE_CONFIG_H
#define VNODE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_MAX_SIZE (1u << 20) /* conf_load refuses larger files */

struct conf_entry {
	char *key;
	char **values;     /* nvalues NUL-terminated strings */
	unsigned nvalues;
	bool is_array;     /* written as KEY=( ... ), or taken from the environment */
	unsigned line, col; /* where KEY was assigned; 0, 0 when from the environment */
};

struct conf {
	char *path;
	struct conf_entry *entries; /* one per key: a key given twice keeps the last value */
	unsigned nentries;
};

/* Parses len bytes of text (NULs are an error, not an end). Returns 0, or
 * -EINVAL with err = "PATH:LINE:COL: what", or -ENOMEM. On error *out is empty. */
int conf_parse(const char *path, const char *text, size_t len, struct conf *out,
	       char *err, size_t errlen);

/* Reads and parses the file. -errno with err = "PATH: strerror" if it cannot
 * be read (-ENOENT when missing), -EFBIG above CONF_MAX_SIZE. */
int conf_load(const char *path, struct conf *out, char *err, size_t errlen);

/* DISKS and BRIDGES set (and not empty) in the environment replace the file's,
 * split at blanks. envp NULL means the process environment. 0 or -ENOMEM. */
int conf_apply_env(struct conf *c, char *const envp[]);
/* Whether the environment sets one of those (DISKS, BRIDGES). */
bool conf_env_sets(char *const envp[]);

/* The entry for key, or NULL when the key was not set. */
const struct conf_entry *conf_get(const struct conf *c, const char *key);

/* The first value of key, or dflt when the key is unset or its value is empty. */
const char *conf_value(const struct conf *c, const char *key, const char *dflt);

/* The known key nearest to name (for did-you-mean), or NULL if none is close. */
const char *conf_suggest(const char *name, size_t len);

/* LOG_MAX's value in bytes: digits, then nothing or K, M or G; 64K to 1G, else -1. */
long long conf_size(const char *s);

/* Frees everything and leaves *c empty; safe to call twice. */
void conf_free(struct conf *c);

#endif
