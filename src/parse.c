// SPDX-License-Identifier: GPL-2.0
/*
 * memlab command parser.
 *
 * Pure C with no library call at all, so that the very same file builds in
 * the kernel and on the host (unit tests, libFuzzer).  It only reads the
 * @len bytes it is given, keeps no state and allocates nothing.
 *
 * Grammar (one command per write, at most ML_CMD_MAX bytes):
 *
 *	alloc <strategy> <size> [<count>] [atomic|nowait] [account] [reclaimable]
 *	leak <strategy> <size> [<count>]
 *	free <strategy> [every <n>] | free all | free <id>
 *	reset
 *	bench <strategy> <size> [<iterations>] [pair|batch]
 *
 * Words are separated by blanks (space, tab); leading and trailing blanks
 * are allowed, and so is one newline as the very last byte.  Any other
 * control character, a NUL byte or a byte >= 0x7f makes the command
 * malformed.  Keywords are exact lowercase.  A size is decimal with an
 * optional K, M or G suffix (uppercase, powers of 1024); a count, id or
 * iteration count is plain decimal.
 */

#include "memlab_parse.h"

#define ML_U64_MAX	(~(u64)0)

/* A word of the command: @len bytes at @p, not NUL-terminated. */
struct ml_word {
	const char *p;
	size_t len;
};

/* Position of the tokenizer in the command. */
struct ml_cursor {
	const char *buf;
	size_t len;
	size_t pos;
};

static bool ml_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool ml_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Printable ASCII or a blank: the only bytes a command may hold. */
static bool ml_is_text(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 0x20 && u < 0x7f) || u == '\t';
}

/* True when the @len bytes at @p are exactly the NUL-terminated keyword @kw. */
static bool ml_word_is(const char *p, size_t len, const char *kw)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (kw[i] == '\0' || p[i] != kw[i])
			return false;
	}
	return kw[len] == '\0';
}

/* Words that the user meant as a number: they go to the number parser. */
static bool ml_looks_numeric(const struct ml_word *w)
{
	char c = w->p[0];

	return ml_is_digit(c) || c == '+' || c == '-';
}

/* Next blank-separated word, or false at the end of the command. */
static bool ml_next_word(struct ml_cursor *cur, struct ml_word *w)
{
	while (cur->pos < cur->len && ml_is_blank(cur->buf[cur->pos]))
		cur->pos++;
	if (cur->pos == cur->len)
		return false;
	w->p = cur->buf + cur->pos;
	while (cur->pos < cur->len && !ml_is_blank(cur->buf[cur->pos]))
		cur->pos++;
	w->len = (size_t)(cur->buf + cur->pos - w->p);
	return true;
}

static int ml_fail(struct ml_cmd *cmd, int err, const char *reason)
{
	cmd->reason = reason;
	return err;
}

/*
 * Decimal u64 of word @w into @val.  With @suffix, one trailing K, M or G
 * multiplies by 1024, 1024^2 or 1024^3.  Returns 0 or -EINVAL with the
 * reason set in @cmd.
 */
static int ml_parse_u64(const struct ml_word *w, bool suffix, u64 *val, struct ml_cmd *cmd)
{
	size_t n = w->len;
	unsigned int shift = 0;
	bool overflow = false;
	u64 v = 0;
	size_t i;

	if (suffix && n > 0) {
		switch (w->p[n - 1]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		}
		if (shift)
			n--;
	}
	if (n == 0)
		return ml_fail(cmd, -EINVAL, "malformed number");
	for (i = 0; i < n; i++) {
		unsigned int d;

		if (!ml_is_digit(w->p[i]))
			return ml_fail(cmd, -EINVAL, "malformed number");
		d = (unsigned int)(w->p[i] - '0');
		if (v > (ML_U64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow || v > (ML_U64_MAX >> shift))
		return ml_fail(cmd, -EINVAL, "number too large");
	*val = v << shift;
	return 0;
}

int ml_strategy_lookup(const struct ml_parse_table *t, const char *tok, size_t len)
{
	unsigned int i;

	if (!tok)
		return -1;
	for (i = 0; i < ML_NR_STRATEGIES; i++) {
		if (t->name[i] && ml_word_is(tok, len, t->name[i]))
			return (int)i;
	}
	return -1;
}

/* The field of @cmd that alloc's option word @w sets, or NULL. */
static bool *ml_alloc_option(struct ml_cmd *cmd, const struct ml_word *w)
{
	if (ml_word_is(w->p, w->len, "atomic"))
		return &cmd->atomic;
	if (ml_word_is(w->p, w->len, "nowait"))
		return &cmd->nowait;
	if (ml_word_is(w->p, w->len, "account"))
		return &cmd->account;
	if (ml_word_is(w->p, w->len, "reclaimable"))
		return &cmd->reclaimable;
	return NULL;
}

/*
 * Set one of alloc's option words (at most once each): true, or false with
 * the reason set in @cmd.
 */
static bool ml_set_option(bool *opt, struct ml_cmd *cmd)
{
	if (*opt) {
		ml_fail(cmd, -EINVAL, "too many arguments");
		return false;
	}
	*opt = true;
	if (cmd->atomic && cmd->nowait) {
		ml_fail(cmd, -EINVAL, "atomic and nowait: two contexts at once");
		return false;
	}
	return true;
}

/*
 * The rest of "alloc", "leak" and "bench": <strategy> <size>, then at most
 * one number (count or iterations) followed by the option words: for alloc
 * "atomic", "nowait", "account" and "reclaimable", in any order, each at
 * most once, and not atomic with nowait; for bench one pattern; none for
 * leak.
 */
static int ml_parse_sized(struct ml_cursor *cur, const struct ml_parse_table *t,
			  struct ml_cmd *cmd)
{
	bool bench = cmd->op == ML_OP_BENCH;
	bool have_count = false;
	bool have_opt = false;
	struct ml_word w;
	bool *opt;
	int s, err;

	if (!ml_next_word(cur, &w))
		return ml_fail(cmd, -EINVAL, "missing strategy");
	s = ml_strategy_lookup(t, w.p, w.len);
	if (s < 0)
		return ml_fail(cmd, -EINVAL, "unknown strategy");
	cmd->strategy = (enum ml_strategy)s;

	if (!ml_next_word(cur, &w))
		return ml_fail(cmd, -EINVAL, "missing size");
	err = ml_parse_u64(&w, true, &cmd->size, cmd);
	if (err)
		return err;

	while (ml_next_word(cur, &w)) {
		opt = cmd->op == ML_OP_ALLOC ? ml_alloc_option(cmd, &w) : NULL;
		if (ml_looks_numeric(&w)) {
			if (have_opt)
				return ml_fail(cmd, -EINVAL, bench ?
					       "iterations must come before the pattern" :
					       "count must come before the options");
			if (have_count)
				return ml_fail(cmd, -EINVAL, "too many arguments");
			err = ml_parse_u64(&w, false, &cmd->count, cmd);
			if (err)
				return err;
			have_count = true;
		} else if (cmd->op == ML_OP_LEAK) {
			return ml_fail(cmd, -EINVAL, "leak takes no option");
		} else if (opt) {
			if (!ml_set_option(opt, cmd))
				return -EINVAL;
			have_opt = true;
		} else if (bench && have_opt) {
			return ml_fail(cmd, -EINVAL, "too many arguments");
		} else if (bench && ml_word_is(w.p, w.len, "pair")) {
			cmd->pattern = ML_BENCH_PAIR;
			have_opt = true;
		} else if (bench && ml_word_is(w.p, w.len, "batch")) {
			cmd->pattern = ML_BENCH_BATCH;
			have_opt = true;
		} else if (bench && ml_word_is(w.p, w.len, "atomic")) {
			return ml_fail(cmd, -EINVAL, "bench does not take atomic");
		} else {
			return ml_fail(cmd, -EINVAL, "unknown option");
		}
	}

	if (cmd->size == 0)
		return ml_fail(cmd, -EINVAL, "size is zero");
	if (!have_count)
		cmd->count = bench ? ML_BENCH_ITERS_DEFAULT : 1;
	if (bench && (cmd->count == 0 || cmd->count > ML_BENCH_ITERS_MAX))
		return ml_fail(cmd, -EINVAL, "iterations out of range");
	if (cmd->count == 0)
		return ml_fail(cmd, -EINVAL, "count is zero");
	if (cmd->atomic && t->may_sleep[cmd->strategy])
		return ml_fail(cmd, -EINVAL, "atomic with a strategy that may sleep");
	if (cmd->nowait && t->nowait_refused[cmd->strategy])
		return ml_fail(cmd, -EINVAL, "nowait with a strategy that sleeps on this kernel");
	if (cmd->account && t->no_memcg)
		return ml_fail(cmd, -EINVAL, "account: this kernel charges no memory cgroup");
	if (cmd->account && !t->accounted[cmd->strategy])
		return ml_fail(cmd, -EINVAL, "account with a strategy the kernel does not charge");
	if (cmd->op == ML_OP_LEAK && !t->leak_seen[cmd->strategy])
		return ml_fail(cmd, -EINVAL, "kmemleak does not report this strategy's leaks");

	if (cmd->size > t->limit[cmd->strategy])
		return ml_fail(cmd, -E2BIG, "size above the strategy's limit");
	if (cmd->count > ML_U64_MAX / cmd->size)
		return ml_fail(cmd, -ENOSPC, "size x count overflows");
	return 0;
}

/* The rest of "free": <strategy>, "all" or <id>. */
static int ml_parse_free(struct ml_cursor *cur, const struct ml_parse_table *t,
			 struct ml_cmd *cmd)
{
	struct ml_word w;
	int s, err;

	if (!ml_next_word(cur, &w))
		return ml_fail(cmd, -EINVAL, "missing strategy, all or id");
	if (ml_word_is(w.p, w.len, "all")) {
		cmd->op = ML_OP_FREE_ALL;
	} else if (ml_looks_numeric(&w)) {
		cmd->op = ML_OP_FREE_ID;
		err = ml_parse_u64(&w, false, &cmd->id, cmd);
		if (err)
			return err;
	} else {
		s = ml_strategy_lookup(t, w.p, w.len);
		if (s < 0)
			return ml_fail(cmd, -EINVAL, "unknown strategy");
		cmd->op = ML_OP_FREE_STRATEGY;
		cmd->strategy = (enum ml_strategy)s;
		if (ml_next_word(cur, &w)) {
			if (!ml_word_is(w.p, w.len, "every"))
				return ml_fail(cmd, -EINVAL, "too many arguments");
			if (!ml_next_word(cur, &w))
				return ml_fail(cmd, -EINVAL, "missing number after every");
			err = ml_parse_u64(&w, false, &cmd->every, cmd);
			if (err)
				return err;
			if (cmd->every == 0)
				return ml_fail(cmd, -EINVAL, "every must be 1 or more");
		}
	}
	if (ml_next_word(cur, &w))
		return ml_fail(cmd, -EINVAL, "too many arguments");
	return 0;
}

int ml_parse(const char *buf, size_t len, const struct ml_parse_table *t,
	     struct ml_cmd *cmd)
{
	struct ml_cursor cur;
	struct ml_word w;
	size_t i;

	*cmd = (struct ml_cmd){ .reason = NULL };

	if (len > ML_CMD_MAX)
		return ml_fail(cmd, -EINVAL, "command too long");
	if (!buf)
		return ml_fail(cmd, -EINVAL, "empty command");
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++) {
		if (!ml_is_text(buf[i]))
			return ml_fail(cmd, -EINVAL, "malformed command");
	}

	cur.buf = buf;
	cur.len = len;
	cur.pos = 0;
	if (!ml_next_word(&cur, &w))
		return ml_fail(cmd, -EINVAL, "empty command");

	if (ml_word_is(w.p, w.len, "alloc")) {
		cmd->op = ML_OP_ALLOC;
		return ml_parse_sized(&cur, t, cmd);
	}
	if (ml_word_is(w.p, w.len, "bench")) {
		cmd->op = ML_OP_BENCH;
		return ml_parse_sized(&cur, t, cmd);
	}
	if (ml_word_is(w.p, w.len, "leak")) {
		cmd->op = ML_OP_LEAK;
		return ml_parse_sized(&cur, t, cmd);
	}
	if (ml_word_is(w.p, w.len, "free"))
		return ml_parse_free(&cur, t, cmd);
	if (ml_word_is(w.p, w.len, "reset")) {
		cmd->op = ML_OP_RESET;
		if (ml_next_word(&cur, &w))
			return ml_fail(cmd, -EINVAL, "too many arguments");
		return 0;
	}
	return ml_fail(cmd, -EINVAL, "unknown command");
}
