/* vnode config parser: a small hand-written lexer for the bash subset that
 * subhost configs use. Nothing is ever expanded or run; anything bash would
 * expand or execute is an error at its FILE:LINE:COL. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shared.h"
#include "vnet.h"

extern char **environ;

enum conf_check { CHECK_NONE, CHECK_NETWORK, CHECK_SECONDS, CHECK_YESNO, CHECK_SIZE };

static const struct conf_key {
	const char *name;
	bool is_array;
	bool from_env; /* pretend-boot took these from the environment too */
	enum conf_check check;
} conf_keys[] = {
	{ "DISKS",        true,  true,  CHECK_NONE },
	{ "BRIDGES",      true,  true,  CHECK_NONE },
	{ "BASE",         false, false, CHECK_NONE },
	{ "BINDS",        true,  false, CHECK_NONE },
	{ "HOSTNAME",     false, false, CHECK_NONE },
	{ "INIT",         false, false, CHECK_NONE },
	{ "NETWORK",      false, false, CHECK_NETWORK },
	{ "ADDRS",        true,  false, CHECK_NONE },
	{ "GATEWAY",      false, false, CHECK_NONE },
	{ "CAPS_DROP",    true,  false, CHECK_NONE },
	{ "CAPS_KEEP",    true,  false, CHECK_NONE },
	{ "STOP_TIMEOUT", false, false, CHECK_SECONDS },
	{ "BOOT_TIMEOUT", false, false, CHECK_SECONDS },
	{ "HOOK",         false, false, CHECK_NONE },
	{ "HOOK_TIMEOUT", false, false, CHECK_SECONDS },
	{ "PRIVILEGED",   false, false, CHECK_YESNO },
	{ "LOG_MAX",      false, false, CHECK_SIZE },
	/* the limits: checked by load.c (limits.c), which knows the host's CPUs */
	{ "MEMORY_MAX",   false, false, CHECK_NONE },
	{ "MEMORY_HIGH",  false, false, CHECK_NONE },
	{ "PIDS_MAX",     false, false, CHECK_NONE },
	{ "CPU_MAX",      false, false, CHECK_NONE },
	{ "CPU_WEIGHT",   false, false, CHECK_NONE },
	{ "IO_WEIGHT",    false, false, CHECK_NONE },
};
#define NKEYS (sizeof conf_keys / sizeof conf_keys[0])

#define NOT_RUN "(the config is parsed, not executed)"

/* Characters that bash would treat specially when unquoted in a word. */
static const struct {
	char c;
	const char *what;
} unquoted_errors[] = {
	{ ';', "';' is not allowed: one statement per line " NOT_RUN },
	{ '&', "'&' is not allowed: no background jobs or && lists " NOT_RUN },
	{ '|', "'|' is not allowed: no pipes or || lists " NOT_RUN },
	{ '<', "redirections are not allowed " NOT_RUN },
	{ '>', "redirections are not allowed " NOT_RUN },
	{ '(', "'(' is not allowed here: no subshells or functions (an array is KEY=( ... ))" },
	{ ')', "unexpected ')'" },
	{ '`', "command substitution is not allowed " NOT_RUN },
	{ '*', "unquoted '*' is a glob bash would expand; quote it" },
	{ '?', "unquoted '?' is a glob bash would expand; quote it" },
	{ '[', "unquoted '[' is a glob bash would expand; quote it" },
	{ '{', "unquoted '{' may be a brace expansion; quote it" },
	{ '\r', "carriage return: the file has DOS line endings (convert it with dos2unix)" },
};

struct pos {
	unsigned line, col;
};

struct lexer {
	const char *path;
	const char *p, *end;
	struct pos at;
	char *err;
	size_t errlen;
};

struct sbuf {
	char *s;
	size_t len, cap;
};

struct vlist {
	char **v;
	unsigned n, cap;
};

/* ---- lexer primitives ---------------------------------------------------- */

static int peek_at(const struct lexer *lx, size_t i)
{
	return (size_t)(lx->end - lx->p) > i ? (unsigned char)lx->p[i] : EOF;
}

static int peek(const struct lexer *lx)
{
	return peek_at(lx, 0);
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->at.line++;
		lx->at.col = 1;
	} else {
		lx->at.col++;
	}
	lx->p++;
}

static void advance_n(struct lexer *lx, size_t n)
{
	while (n--)
		advance(lx);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Where a statement ends: newline, end of text, or a comment after a blank. */
static bool at_statement_end(const struct lexer *lx)
{
	int c = peek(lx);
	return c == EOF || c == '\n' || c == '#';
}

__attribute__((format(printf, 3, 4)))
static int fail(struct lexer *lx, struct pos at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!lx->errlen)
		return -EINVAL;
	n = snprintf(lx->err, lx->errlen, "%s:%u:%u: ", lx->path, at.line, at.col);
	if (n >= 0 && (size_t)n < lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err + n, lx->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int nomem(struct lexer *lx)
{
	if (lx->errlen)
		snprintf(lx->err, lx->errlen, "%s: out of memory", lx->path);
	return -ENOMEM;
}

/* Skips blanks, line continuations and comments; with newlines, also newlines. */
static void skip_space(struct lexer *lx, bool newlines)
{
	for (;;) {
		int c = peek(lx);

		if (is_blank(c) || (newlines && c == '\n'))
			advance(lx);
		else if (c == '\\' && peek_at(lx, 1) == '\n')
			advance_n(lx, 2);
		else if (c == '#')
			while (peek(lx) != EOF && peek(lx) != '\n')
				advance(lx);
		else
			return;
	}
}

/* ---- growable strings and lists ------------------------------------------ */

static int sbuf_put(struct sbuf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *s = realloc(b->s, cap);

		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

/* Hands over the string (an empty one if nothing was put) and resets b. */
static char *sbuf_take(struct sbuf *b)
{
	char *s = b->s ? b->s : calloc(1, 1);

	*b = (struct sbuf){ 0 };
	return s;
}

static int vlist_push(struct vlist *l, char *s)
{
	if (!s)
		return -ENOMEM;
	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 4;
		char **v = realloc(l->v, cap * sizeof *v);

		if (!v) {
			free(s);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

static void vlist_free(char **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- words ----------------------------------------------------------------- */

/* The error for a '$' at the lexer's position: every use of it expands. */
static int dollar_error(struct lexer *lx)
{
	struct pos at = lx->at;
	int c = peek_at(lx, 1);

	if (c == '(' && peek_at(lx, 2) == '(')
		return fail(lx, at, "arithmetic expansion is not allowed " NOT_RUN);
	if (c == '(')
		return fail(lx, at, "command substitution is not allowed " NOT_RUN);
	if (c == '\'' || c == '"')
		return fail(lx, at, "$%c...%c quoting is not supported", c, c);
	if (c == '{' || c == '_' || isalnum(c) || (c != EOF && strchr("@*#?-$!", c)))
		return fail(lx, at, "parameter expansion is not allowed " NOT_RUN);
	return fail(lx, at, "a literal '$' must be quoted ('$') or escaped (\\$)");
}

static int put(struct lexer *lx, struct sbuf *b, char c)
{
	return sbuf_put(b, c) ? nomem(lx) : 0;
}

/* 'text': everything up to the next ' is literal. */
static int read_single(struct lexer *lx, struct sbuf *b)
{
	struct pos open = lx->at;

	advance(lx);
	for (;;) {
		int c = peek(lx);

		if (c == EOF)
			return fail(lx, open, "unterminated single quote");
		advance(lx);
		if (c == '\'')
			return 0;
		if (put(lx, b, (char)c))
			return -ENOMEM;
	}
}

/* One character after a backslash inside "...": only these are escapes. */
static int read_double_escape(struct lexer *lx, struct sbuf *b)
{
	int c = peek_at(lx, 1);

	if (c == '\n') {
		advance_n(lx, 2);
		return 0;
	}
	if (c != EOF && strchr("\"\\$`", c)) {
		advance_n(lx, 2);
		return put(lx, b, (char)c);
	}
	advance(lx);
	return put(lx, b, '\\');
}

/* "text": \" \\ \$ \` escape, $ and ` would expand and are errors. */
static int read_double(struct lexer *lx, struct sbuf *b)
{
	struct pos open = lx->at;
	int r;

	advance(lx);
	for (;;) {
		int c = peek(lx);

		if (c == EOF)
			return fail(lx, open, "unterminated double quote");
		if (c == '"') {
			advance(lx);
			return 0;
		}
		if (c == '$')
			return dollar_error(lx);
		if (c == '`')
			return fail(lx, lx->at, "command substitution is not allowed " NOT_RUN);
		if (c == '\\') {
			r = read_double_escape(lx, b);
		} else {
			advance(lx);
			r = put(lx, b, (char)c);
		}
		if (r)
			return r;
	}
}

/* \c outside quotes: c literally; backslash-newline joins lines. */
static int read_escape(struct lexer *lx, struct sbuf *b)
{
	int c = peek_at(lx, 1);

	if (c == EOF)
		return fail(lx, lx->at, "backslash at the end of the file");
	advance_n(lx, 2);
	return c == '\n' ? 0 : put(lx, b, (char)c);
}

/* 0 if c may stand unquoted in a word here, else the error. prev is the
 * previous unquoted character of the word (0 at its start). */
static int check_unquoted(struct lexer *lx, int c, int prev)
{
	if (c == '$')
		return dollar_error(lx);
	if (c == '~' && (prev == 0 || prev == ':'))
		return fail(lx, lx->at, "unquoted '~' is a tilde expansion; write the path or quote it");
	for (size_t i = 0; i < sizeof unquoted_errors / sizeof unquoted_errors[0]; i++)
		if (unquoted_errors[i].c == c)
			return fail(lx, lx->at, "%s", unquoted_errors[i].what);
	return 0;
}

/* Reads one word into b, removing quotes; stops before a blank, a newline,
 * the end, or (in an array) ')'. */
static int read_word(struct lexer *lx, struct sbuf *b, bool in_array)
{
	int prev = 0, r;

	for (;;) {
		int c = peek(lx);

		if (c == EOF || c == '\n' || is_blank(c) || (in_array && c == ')'))
			return 0;
		if (c == '\'') {
			r = read_single(lx, b);
		} else if (c == '"') {
			r = read_double(lx, b);
		} else if (c == '\\') {
			r = read_escape(lx, b);
		} else {
			r = check_unquoted(lx, c, prev);
			if (!r) {
				advance(lx);
				r = put(lx, b, (char)c);
			}
		}
		if (r)
			return r;
		prev = c;
	}
}

/* ---- values ------------------------------------------------------------ */

/* ( word ... ): blanks, newlines and comments separate the elements. */
static int read_array(struct lexer *lx, struct vlist *v)
{
	struct pos open = lx->at;
	struct sbuf b = { 0 };
	int r;

	advance(lx);
	for (;;) {
		skip_space(lx, true);
		if (peek(lx) == EOF)
			return fail(lx, open, "unterminated array: no ')' for this '('");
		if (peek(lx) == ')') {
			advance(lx);
			break;
		}
		r = read_word(lx, &b, true);
		if (!r && vlist_push(v, sbuf_take(&b)))
			r = nomem(lx);
		if (r) {
			free(b.s);
			return r;
		}
	}
	/* bash does not start a comment right after ')': "(a)#b" is not "(a) #b" */
	if (peek(lx) != EOF && peek(lx) != '\n' && !is_blank(peek(lx)))
		return fail(lx, lx->at, "expected a blank or the end of the line after ')'");
	return 0;
}

/* A plain word; empty for an array key means an empty array. */
static int read_scalar(struct lexer *lx, struct vlist *v, bool array_key)
{
	struct sbuf b = { 0 };
	int r = read_word(lx, &b, false);

	if (r) {
		free(b.s);
		return r;
	}
	if (array_key && b.len == 0)
		return 0;
	return vlist_push(v, sbuf_take(&b)) ? nomem(lx) : 0;
}

long long conf_size(const char *s)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	static const struct { char c; int shift; } unit[] = { { 0, 0 }, { 'K', 10 }, { 'M', 20 },
							      { 'G', 30 } };
	if (errno || end == s || *s < '0' || *s > '9')
		return -1;
	for (unsigned i = 0; i < sizeof(unit) / sizeof(unit[0]); i++)
		if (*end == unit[i].c && (!unit[i].c || !end[1])) {
			n <<= unit[i].shift;
			return n >= 64 << 10 && n <= 1LL << 30 ? n : -1;
		}
	return -1;
}

static bool is_seconds(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 5 && s[n] == '\0' && atoi(s) <= VNODE_MAX_SECONDS;
}

static int check_value(struct lexer *lx, const struct conf_key *k, const struct vlist *v,
		       struct pos at)
{
	const char *s = v->n ? v->v[0] : "";
	enum vn_mode mode;
	char why[128];

	/* empty is the default, for these keys as for all others */

	switch (k->check) {
	case CHECK_NETWORK:  /* the rule and its wording are netns/'s */
		if (vn_parse_mode(s, &mode, why, sizeof(why)) < 0)
			return fail(lx, at, "%s", why);
		return 0;
	case CHECK_SECONDS:
		if (*s && !is_seconds(s))
			return fail(lx, at, "%s must be a whole number of seconds (%s), not '%s'",
				    k->name, VNODE_SECONDS_RANGE, s);
		return 0;
	case CHECK_SIZE:
		if (*s && conf_size(s) < 0)
			return fail(lx, at, "%s must be a size from 64K to 1G (bytes, or with K, M or G), "
				    "not '%s'", k->name, s);
		return 0;
	case CHECK_YESNO:
		if (*s && strcmp(s, "yes") && strcmp(s, "no"))
			return fail(lx, at, "%s must be yes or no, not '%s'", k->name, s);
		return 0;
	case CHECK_NONE:
		return 0;
	}
	return 0;
}

/* ---- keys ---------------------------------------------------------------- */

static size_t name_len(const struct lexer *lx)
{
	size_t n = 0;
	int c = peek(lx);

	if (c != '_' && !isalpha(c))
		return 0;
	while (c == '_' || isalnum(c))
		c = peek_at(lx, ++n);
	return n;
}

static const struct conf_key *key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(conf_keys[i].name) == len && !memcmp(conf_keys[i].name, name, len))
			return &conf_keys[i];
	return NULL;
}

/* Levenshtein distance, ignoring case (keys are upper case). */
static unsigned edit_distance(const char *a, size_t n, const char *key)
{
	unsigned row[32];
	size_t m = strlen(key);

	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			unsigned up = row[j];
			unsigned cost = toupper((unsigned char)a[i - 1]) != key[j - 1];
			unsigned best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[m];
}

const char *conf_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (size_t i = 0; i < NKEYS; i++) {
		unsigned d = edit_distance(name, len, conf_keys[i].name);

		/* a typo changes a few letters, and fewer in a short word: FOO is not HOOK */
		if (d < best_d && 3 * d <= len) {
			best = conf_keys[i].name;
			best_d = d;
		}
	}
	return best;
}

static int unknown_key(struct lexer *lx, struct pos at, size_t n)
{
	const char *s = conf_suggest(lx->p, n);
	char known[256] = "";

	if (s)
		return fail(lx, at, "unknown key %.*s (did you mean %s?)", (int)n, lx->p, s);
	for (size_t i = 0; i < NKEYS; i++) {
		strcat(known, i ? " " : "");
		strcat(known, conf_keys[i].name);
	}
	return fail(lx, at, "unknown key %.*s (known keys: %s)", (int)n, lx->p, known);
}

/* The error for a word that is not KEY=value, at its start. */
static int not_assignment(struct lexer *lx, size_t n)
{
	struct pos at = lx->at;
	int c = peek_at(lx, n);

	if (n == 0) {
		int r = check_unquoted(lx, peek(lx), 0);
		return r ? r : fail(lx, at, "expected KEY=value");
	}
	if (c == '+' && peek_at(lx, n + 1) == '=')
		return fail(lx, at, "'+=' is not supported: assign the whole value");
	if (c == '(')
		return fail(lx, at, "functions are not allowed " NOT_RUN);
	if (c == '[')
		return fail(lx, at, "KEY[index]= is not supported: assign the whole array");
	if (is_blank(c)) {
		size_t i = n;
		while (is_blank(peek_at(lx, i)))
			i++;
		if (peek_at(lx, i) == '=')
			return fail(lx, at, "no blanks are allowed around '=' in KEY=value");
	}
	if (c == EOF || c == '\n' || is_blank(c) || c == '#')
		return fail(lx, at, "'%.*s' is a command; commands are not allowed " NOT_RUN,
			    (int)n, lx->p);
	return fail(lx, at, "expected KEY=value");
}

/* ---- statements ------------------------------------------------------------ */

static struct conf_entry *entry_find(const struct conf *c, const char *key)
{
	for (unsigned i = 0; i < c->nentries; i++)
		if (!strcmp(c->entries[i].key, key))
			return &c->entries[i];
	return NULL;
}

/* Sets key, replacing an earlier value (the last assignment wins, as in bash).
 * Takes v's strings and empties v on success; the caller frees them on error. */
static int entry_set(struct conf *c, const char *key, struct vlist *v, bool is_array,
		     struct pos at)
{
	struct conf_entry *e = entry_find(c, key);

	if (!e) {
		struct conf_entry *es = realloc(c->entries, (c->nentries + 1) * sizeof *es);
		char *k = strdup(key);

		if (es)
			c->entries = es;
		if (!es || !k) {
			free(k);
			return -ENOMEM;
		}
		e = &c->entries[c->nentries++];
		*e = (struct conf_entry){ .key = k };
	}
	vlist_free(e->values, e->nvalues);
	e->values = v->v;
	e->nvalues = v->n;
	e->is_array = is_array;
	e->line = at.line;
	e->col = at.col;
	*v = (struct vlist){ 0 };
	return 0;
}

/* KEY=value or KEY=( ... ) at the lexer's position. */
static int parse_assignment(struct lexer *lx, struct conf *c)
{
	struct pos kpos = lx->at, vpos;
	size_t n = name_len(lx);
	const struct conf_key *k;
	struct vlist v = { 0 };
	bool is_array;
	int r;

	if (n == 0 || peek_at(lx, n) != '=')
		return not_assignment(lx, n);
	k = key_find(lx->p, n);
	if (!k)
		return unknown_key(lx, kpos, n);
	advance_n(lx, n + 1);
	vpos = lx->at;
	is_array = peek(lx) == '(';
	if (is_array && !k->is_array)
		return fail(lx, vpos, "%s takes one value, not an array", k->name);
	r = is_array ? read_array(lx, &v) : read_scalar(lx, &v, k->is_array);
	if (!r)
		r = check_value(lx, k, &v, vpos);
	if (!r && entry_set(c, k->name, &v, is_array, kpos))
		r = nomem(lx);
	vlist_free(v.v, v.n);
	return r;
}

/* One word after export: KEY=value, or KEY alone (accepted, nothing to do:
 * vnode passes no environment on from the config). */
static int parse_export_item(struct lexer *lx, struct conf *c)
{
	size_t n = name_len(lx);
	int next = peek_at(lx, n);

	if (peek(lx) == '-')
		return fail(lx, lx->at, "export options are not supported");
	if (n == 0 || next == '=')
		return parse_assignment(lx, c);
	if (next != EOF && next != '\n' && !is_blank(next))
		return not_assignment(lx, n);
	if (!key_find(lx->p, n))
		return unknown_key(lx, lx->at, n);
	advance_n(lx, n);
	return 0;
}

/* One line's statement: [export] KEY=value ..., or nothing. */
static int parse_statement(struct lexer *lx, struct conf *c)
{
	bool exported = false;
	int r;

	skip_space(lx, false);
	if (at_statement_end(lx))
		goto end;
	if (name_len(lx) == 6 && !memcmp(lx->p, "export", 6) &&
	    (is_blank(peek_at(lx, 6)) || peek_at(lx, 6) == '\n' || peek_at(lx, 6) == EOF)) {
		struct pos at = lx->at;

		exported = true;
		advance_n(lx, 6);
		skip_space(lx, false);
		if (at_statement_end(lx))
			return fail(lx, at, "export needs KEY or KEY=value");
	}
	do {
		r = exported ? parse_export_item(lx, c) : parse_assignment(lx, c);
		if (r)
			return r;
		skip_space(lx, false);
	} while (!at_statement_end(lx));
end:
	if (peek(lx) == '\n')
		advance(lx);
	return 0;
}

/* NUL cannot be part of a shell word; report the first one, wherever it is. */
static int reject_nul(struct lexer *lx)
{
	const char *nul = memchr(lx->p, '\0', lx->end - lx->p);

	if (!nul)
		return 0;
	while (lx->p < nul)
		advance(lx);
	return fail(lx, lx->at, "NUL byte in the config (is it a text file?)");
}

/* The first byte of [p, end) that is not part of well-formed UTF-8 (RFC 3629: no
 * overlong forms, surrogates or code points past U+10FFFF), or NULL. */
static const unsigned char *utf8_bad(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		unsigned c = *p, lo = 0x80, hi = 0xbf;
		long n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
			 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
		if (n < 0 || end - p <= n)
			return p;
		lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : lo;
		hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : hi;
		if (n && (p[1] < lo || p[1] > hi))
			return p;
		for (long i = 2; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return p;
		p += n + 1;
	}
	return NULL;
}

/* A config is UTF-8 text: report the first byte that is not, wherever it is. */
static int reject_non_utf8(struct lexer *lx)
{
	const char *bad = (const char *)utf8_bad((const unsigned char *)lx->p,
						 (const unsigned char *)lx->end);
	if (!bad)
		return 0;
	unsigned byte = (unsigned char)*bad;
	while (lx->p < bad)
		advance(lx);
	return fail(lx, lx->at, "byte 0x%02x is not UTF-8 (a config is UTF-8 text)", byte);
}

int conf_parse(const char *path, const char *text, size_t len, struct conf *out,
	       char *err, size_t errlen)
{
	struct lexer lx = { .path = path, .p = text, .end = text + len,
			    .at = { 1, 1 }, .err = err, .errlen = errlen };
	int r;

	*out = (struct conf){ .path = strdup(path) };
	if (errlen)
		err[0] = '\0';
	if (!out->path)
		return nomem(&lx);
	r = reject_nul(&lx);
	if (!r)
		r = reject_non_utf8(&lx);
	while (!r && lx.p < lx.end)
		r = parse_statement(&lx, out);
	if (r)
		conf_free(out);
	return r;
}

/* ---- files, environment, lookups --------------------------------------------- */

static int read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* shrank while we read it */
		got += n;
	}
	return 0;
}

int conf_load(const char *path, struct conf *out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	int fd, r;

	*out = (struct conf){ 0 };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	r = fstat(fd, &st) < 0 ? -errno : 0;
	if (!r && !S_ISREG(st.st_mode))
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if (!r && st.st_size > CONF_MAX_SIZE)
		r = -EFBIG;
	if (!r && !(buf = malloc(st.st_size + 1)))
		r = -ENOMEM;
	if (!r)
		r = read_all(fd, buf, st.st_size);
	close(fd);
	if (!r) {
		r = conf_parse(path, buf, st.st_size, out, err, errlen);
		free(buf);
		return r;
	}
	free(buf);
fail:
	if (errlen && r == -EFBIG)
		snprintf(err, errlen, "%s: %lld bytes, more than a config may have (%u)", path,
			 (long long)st.st_size, CONF_MAX_SIZE);
	else if (errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
	return r;
}

static const char *env_lookup(char *const envp[], const char *name)
{
	size_t n = strlen(name);

	if (!envp)
		return getenv(name);
	for (; *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static int split_blanks(const char *s, struct vlist *v)
{
	const char *sep = " \t\n";

	for (s += strspn(s, sep); *s; s += strspn(s, sep)) {
		size_t n = strcspn(s, sep);

		if (vlist_push(v, strndup(s, n)))
			return -ENOMEM;
		s += n;
	}
	return 0;
}

bool conf_env_sets(char *const envp[])
{
	for (size_t i = 0; i < NKEYS; i++) {
		const char *s = conf_keys[i].from_env ? env_lookup(envp, conf_keys[i].name) : NULL;
		if (s && *s)
			return true;
	}
	return false;
}

int conf_apply_env(struct conf *c, char *const envp[])
{
	for (size_t i = 0; i < NKEYS; i++) {
		const char *s = conf_keys[i].from_env ? env_lookup(envp, conf_keys[i].name) : NULL;
		struct vlist v = { 0 };

		if (!s || !*s)
			continue;
		if (split_blanks(s, &v)) {
			vlist_free(v.v, v.n);
			return -ENOMEM;
		}
		if (entry_set(c, conf_keys[i].name, &v, true, (struct pos){ 0, 0 })) {
			vlist_free(v.v, v.n);
			return -ENOMEM;
		}
	}
	return 0;
}

const struct conf_entry *conf_get(const struct conf *c, const char *key)
{
	return entry_find(c, key);
}

const char *conf_value(const struct conf *c, const char *key, const char *dflt)
{
	const struct conf_entry *e = conf_get(c, key);

	return e && e->nvalues && e->values[0][0] ? e->values[0] : dflt;
}

void conf_free(struct conf *c)
{
	for (unsigned i = 0; i < c->nentries; i++) {
		free(c->entries[i].key);
		vlist_free(c->entries[i].values, c->entries[i].nvalues);
	}
	free(c->entries);
	free(c->path);
	*c = (struct conf){ 0 };
}
