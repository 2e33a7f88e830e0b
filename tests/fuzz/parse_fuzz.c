// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the memlab command parser (src/parse.c).
 *
 * Feeds the input as one command, with the kernel's limits, and traps on
 * any broken invariant of the parser's contract:
 *  - it returns 0, -EINVAL, -E2BIG or -ENOSPC, and sets a reason iff it fails;
 *  - it refuses anything over ML_CMD_MAX bytes;
 *  - on success the command is complete and within the limits;
 *  - it is deterministic, and a trailing newline does not change the result;
 *  - it never reads past the input (the input buffer is exactly @size bytes,
 *    so AddressSanitizer catches that).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memlab_parse.h"
#include "ml_table.h"

#define U64MAX	(~(u64)0)

/* The kernel's table, and its limits: ml_table.h, which tests/unit/gen-table.sh writes from src/. */
static const struct ml_parse_table lim = { ML_TABLE_TOKENS, ML_TABLE_LIMITS };

#define CHECK(cond)			\
	do {				\
		if (!(cond))		\
			__builtin_trap();	\
	} while (0)

static bool is_text(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

static const char * const keyword[] = {
	[ML_OP_ALLOC]		= "alloc",
	[ML_OP_FREE_STRATEGY]	= "free",
	[ML_OP_FREE_ALL]	= "free",
	[ML_OP_FREE_ID]		= "free",
	[ML_OP_RESET]		= "reset",
	[ML_OP_BENCH]		= "bench",
	[ML_OP_LEAK]		= "leak",
};

static bool first_word_is(const uint8_t *p, size_t len, const char *kw)
{
	size_t n = strlen(kw);

	if (len < n || memcmp(p, kw, n))
		return false;
	return len == n || p[n] == ' ' || p[n] == '\t';
}

static void check_cmd(const uint8_t *data, size_t size, int ret, const struct ml_cmd *cmd)
{
	size_t body = size, i;

	CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG || ret == -ENOSPC);
	CHECK((ret != 0) == (cmd->reason != NULL));
	if (ret) {
		CHECK(cmd->reason[0] >= 'a' && cmd->reason[0] <= 'z');
		CHECK(strlen(cmd->reason) < 64);
		return;
	}

	/* Accepted: short enough, and only text plus one final newline. */
	CHECK(size > 0 && size <= ML_CMD_MAX);
	if (data[size - 1] == '\n')
		body--;
	for (i = 0; i < body; i++)
		CHECK(is_text(data[i]));

	CHECK((unsigned int)cmd->op <= ML_OP_LEAK);

	/* The first word is the command's keyword. */
	for (i = 0; i < body && (data[i] == ' ' || data[i] == '\t'); i++)
		;
	CHECK(first_word_is(data + i, body - i, keyword[cmd->op]));

	switch (cmd->op) {
	case ML_OP_ALLOC:
	case ML_OP_BENCH:
	case ML_OP_LEAK:
		CHECK((unsigned int)cmd->strategy < ML_NR_STRATEGIES);
		CHECK(cmd->size > 0);
		CHECK(cmd->count > 0);
		CHECK(cmd->count <= U64MAX / cmd->size);
		CHECK(cmd->size <= lim.limit[cmd->strategy]);
		CHECK(cmd->id == 0 && cmd->every == 0);
		if (cmd->op == ML_OP_ALLOC) {
			CHECK(!cmd->atomic || !lim.may_sleep[cmd->strategy]);
			CHECK(!cmd->atomic || !cmd->nowait);
			CHECK(!cmd->nowait || !lim.nowait_refused[cmd->strategy]);
			CHECK(!cmd->account || (lim.accounted[cmd->strategy] && !lim.no_memcg));
			CHECK(cmd->pattern == ML_BENCH_PAIR);
		} else if (cmd->op == ML_OP_LEAK) {
			CHECK(!cmd->atomic && !cmd->reclaimable && cmd->pattern == ML_BENCH_PAIR);
			CHECK(!cmd->nowait && !cmd->account);
			CHECK(lim.leak_seen[cmd->strategy]);
		} else {
			CHECK(!cmd->atomic && !cmd->reclaimable && !cmd->nowait && !cmd->account);
			CHECK(cmd->count <= ML_BENCH_ITERS_MAX);
			CHECK(cmd->pattern == ML_BENCH_PAIR || cmd->pattern == ML_BENCH_BATCH);
		}
		break;
	case ML_OP_FREE_STRATEGY:
		CHECK((unsigned int)cmd->strategy < ML_NR_STRATEGIES);
		CHECK(!cmd->size && !cmd->count && !cmd->id && !cmd->atomic && !cmd->pattern);
		CHECK(!cmd->reclaimable && !cmd->nowait && !cmd->account);
		break;
	case ML_OP_FREE_ID:
		CHECK(!cmd->strategy && !cmd->size && !cmd->count && !cmd->atomic &&
		      !cmd->pattern && !cmd->every && !cmd->reclaimable && !cmd->nowait &&
		      !cmd->account);
		break;
	case ML_OP_FREE_ALL:
	case ML_OP_RESET:
		CHECK(!cmd->strategy && !cmd->size && !cmd->count && !cmd->id &&
		      !cmd->atomic && !cmd->pattern && !cmd->every && !cmd->reclaimable &&
		      !cmd->nowait && !cmd->account);
		break;
	default:
		CHECK(0);
	}
}

/* Every field of struct ml_cmd (include/memlab_parse.h): a new one goes here too. */
static bool same_cmd(const struct ml_cmd *a, const struct ml_cmd *b)
{
	return a->op == b->op && a->strategy == b->strategy && a->size == b->size &&
	       a->count == b->count && a->id == b->id && a->every == b->every &&
	       a->atomic == b->atomic && a->reclaimable == b->reclaimable &&
	       a->nowait == b->nowait && a->account == b->account &&
	       a->pattern == b->pattern && a->reason == b->reason;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_cmd cmd, again;
	char *buf;
	int ret, ret2;

	memset(&cmd, 0x5a, sizeof(cmd));
	ret = ml_parse((const char *)data, size, &lim, &cmd);
	check_cmd(data, size, ret, &cmd);

	if (size > ML_CMD_MAX)
		CHECK(ret == -EINVAL);

	/* Deterministic, whatever the output held before. */
	memset(&again, 0xa5, sizeof(again));
	ret2 = ml_parse((const char *)data, size, &lim, &again);
	CHECK(ret2 == ret && same_cmd(&cmd, &again));

	/*
	 * One newline appended changes nothing when it fits, the input did not
	 * already end in a newline and its body is not empty.
	 */
	if (size > 0 && size < ML_CMD_MAX && data[size - 1] != '\n') {
		buf = malloc(size + 1);
		if (!buf)
			return 0;
		memcpy(buf, data, size);
		buf[size] = '\n';
		ret2 = ml_parse(buf, size + 1, &lim, &again);
		free(buf);
		CHECK(ret2 == ret && same_cmd(&cmd, &again));
	}

	/* Neither does one more leading blank, when it fits. */
	if (size < ML_CMD_MAX) {
		buf = malloc(size + 1);
		if (!buf)
			return 0;
		buf[0] = ' ';
		memcpy(buf + 1, data, size);
		ret2 = ml_parse(buf, size + 1, &lim, &again);
		free(buf);
		CHECK(ret2 == ret && same_cmd(&cmd, &again));
	}
	return 0;
}
