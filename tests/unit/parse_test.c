// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the memlab command parser (src/parse.c), table-driven.
 * Every input is copied into a heap buffer of exactly its length, so that
 * AddressSanitizer catches any read past the end of the command.
 * Output is KTAP; the last line is "# parse: N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include "memlab_parse.h"
#include "ml_table.h"

#define K	1024ULL
#define M	(1024ULL * K)
#define G	(1024ULL * M)
#define U64MAX	18446744073709551615ULL

/* The kernel's table and its limits, made from src/ (gen-table.sh). */
_Static_assert(ML_TABLE_NR == ML_NR_STRATEGIES, "src/strategy.c's table lacks a strategy");
static const struct ml_parse_table lim_std = { ML_TABLE_TOKENS, ML_TABLE_LIMITS };

/* No limit at all, to reach the overflow checks with huge sizes. */
static const struct ml_parse_table lim_max = {
	ML_TABLE_TOKENS,
	.limit = { U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX },
};

/* Everything refused. */
static const struct ml_parse_table lim_zero = { ML_TABLE_TOKENS };

/*
 * The kernel's table as 7.3 fills it (vmalloc serves GFP_NOWAIT), and as a
 * kernel without memory cgroups does: made from lim_std in main().
 */
static struct ml_parse_table lim_nowait;
static struct ml_parse_table lim_nomemcg;

struct expect {
	int ret;
	const char *reason;	/* failure: exact reason, NULL for any */
	enum ml_op op;
	enum ml_strategy strategy;
	u64 size;
	u64 count;
	u64 id;
	bool atomic;
	enum ml_bench_pattern pattern;
	u64 every;
	bool reclaimable;
	bool nowait;
	bool account;
};

struct tcase {
	const char *in;
	size_t len;
	const struct ml_parse_table *lim;
	struct expect e;
};

/* Length from the literal, so embedded NUL bytes count. */
#define S(str)	str, sizeof(str) - 1

#define ALLOC(str, st, sz, cnt, at) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_ALLOC, st, sz, cnt, 0, at, ML_BENCH_PAIR, 0, false, false, false } }
#define ALLOC_L(lim, str, st, sz, cnt, at) \
	{ S(str), lim, { 0, NULL, ML_OP_ALLOC, st, sz, cnt, 0, at, ML_BENCH_PAIR, 0, false, false, false } }
#define BENCH(str, st, sz, it, pat) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_BENCH, st, sz, it, 0, false, pat, 0, false, false, false } }
#define FREE_S(str, st) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_FREE_STRATEGY, st, 0, 0, 0, false, 0, 0, false, false, false } }
#define FREE_ALL(str) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_FREE_ALL, 0, 0, 0, 0, false, 0, 0, false, false, false } }
#define FREE_ID(str, i) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_FREE_ID, 0, 0, 0, i, false, 0, 0, false, false, false } }
#define RESET(str) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_RESET, 0, 0, 0, 0, false, 0, 0, false, false, false } }
#define FREE_EVERY(str, st, n) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_FREE_STRATEGY, st, 0, 0, 0, false, 0, n, false, false, false } }
#define LEAK(str, st, sz, cnt) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_LEAK, st, sz, cnt, 0, false, ML_BENCH_PAIR, 0, false, false, false } }
#define RECL(str, st, sz, cnt, at) \
	{ S(str), &lim_std, { 0, NULL, ML_OP_ALLOC, st, sz, cnt, 0, at, ML_BENCH_PAIR, 0, true, false, false } }
/* alloc with the options atomic, nowait, account, reclaimable (0 or 1 each) */
#define OPTS_L(lim, str, st, sz, cnt, at, nw, ac, rc) \
	{ S(str), lim, { 0, NULL, ML_OP_ALLOC, st, sz, cnt, 0, at, ML_BENCH_PAIR, 0, rc, nw, ac } }
#define OPTS(str, st, sz, cnt, at, nw, ac, rc) \
	OPTS_L(&lim_std, str, st, sz, cnt, at, nw, ac, rc)
#define ERR(str, err, why) \
	{ S(str), &lim_std, { -(err), why, 0, 0, 0, 0, 0, false, 0, 0, false, false, false } }
#define ERR_L(lim, str, err, why) \
	{ S(str), lim, { -(err), why, 0, 0, 0, 0, 0, false, 0, 0, false, false, false } }

#define R_MALFORMED	"malformed command"
#define R_EMPTY		"empty command"
#define R_LONG		"command too long"
#define R_CMD		"unknown command"
#define R_STRAT		"unknown strategy"
#define R_OPT		"unknown option"
#define R_NUM		"malformed number"
#define R_BIG		"number too large"
#define R_MANY		"too many arguments"
#define R_NOSTRAT	"missing strategy"
#define R_NOSIZE	"missing size"
#define R_NOFREE	"missing strategy, all or id"
#define R_SIZE0		"size is zero"
#define R_COUNT0	"count is zero"
#define R_ITERS		"iterations out of range"
#define R_SLEEP		"atomic with a strategy that may sleep"
#define R_BATOMIC	"bench does not take atomic"
#define R_ORDER		"count must come before the options"
#define R_BORDER	"iterations must come before the pattern"
#define R_LIMIT		"size above the strategy's limit"
#define R_OVF		"size x count overflows"
#define R_TWOCTX	"atomic and nowait: two contexts at once"
#define R_NOWAIT	"nowait with a strategy that sleeps on this kernel"
#define R_ACCOUNT	"account with a strategy the kernel does not charge"
#define R_NOMEMCG	"account: this kernel charges no memory cgroup"
#define R_LEAKOPT	"leak takes no option"

static const struct tcase cases[] = {
	/* alloc: the basic shapes */
	ALLOC("alloc kmalloc 64", ML_KMALLOC, 64, 1, false),
	ALLOC("alloc kmalloc 64\n", ML_KMALLOC, 64, 1, false),
	ALLOC("alloc kmalloc 64 3", ML_KMALLOC, 64, 3, false),
	ALLOC("alloc kmalloc 64 atomic", ML_KMALLOC, 64, 1, true),
	ALLOC("alloc kmalloc 64 5 atomic", ML_KMALLOC, 64, 5, true),
	ALLOC("alloc kmalloc 64 5 atomic\n", ML_KMALLOC, 64, 5, true),
	ALLOC("alloc kzalloc 1", ML_KZALLOC, 1, 1, false),
	ALLOC("alloc kmem_cache 192 10", ML_KMEM_CACHE, 192, 10, false),
	ALLOC("alloc alloc_pages 8K 2 atomic", ML_ALLOC_PAGES, 8 * K, 2, true),
	ALLOC("alloc mempool 256 atomic", ML_MEMPOOL, 256, 1, true),
	ALLOC("alloc percpu 32K", ML_PERCPU, 32 * K, 1, false),
	ALLOC("alloc vmalloc 1M 4", ML_VMALLOC, M, 4, false),
	ALLOC("alloc kvmalloc 64M", ML_KVMALLOC, 64 * M, 1, false),
	/* blanks */
	ALLOC("  alloc\tkmalloc \t 64 \t\n", ML_KMALLOC, 64, 1, false),
	ALLOC("\talloc kmalloc 64 2\t", ML_KMALLOC, 64, 2, false),
	ALLOC("alloc\t\tkmalloc\t64\tatomic", ML_KMALLOC, 64, 1, true),
	ALLOC("alloc kmalloc 64     ", ML_KMALLOC, 64, 1, false),
	RESET(" reset "),
	RESET("\treset\t\n"),
	/* sizes and suffixes */
	ALLOC("alloc kmalloc 1K", ML_KMALLOC, K, 1, false),
	ALLOC("alloc kmalloc 4M", ML_KMALLOC, 4 * M, 1, false),
	ALLOC("alloc kmalloc 4096K", ML_KMALLOC, 4096 * K, 1, false),
	ALLOC("alloc kmalloc 4194304", ML_KMALLOC, 4194304, 1, false),
	ALLOC("alloc kmalloc 007", ML_KMALLOC, 7, 1, false),
	ALLOC("alloc kmalloc 64 007", ML_KMALLOC, 64, 7, false),
	ALLOC("alloc vmalloc 64M", ML_VMALLOC, 64 * M, 1, false),
	ALLOC("alloc vmalloc 65536K", ML_VMALLOC, 64 * M, 1, false),
	ERR("alloc kmalloc 1k", EINVAL, R_NUM),
	ERR("alloc kmalloc 1m", EINVAL, R_NUM),
	ERR("alloc kmalloc 1g", EINVAL, R_NUM),
	ERR("alloc kmalloc 1T", EINVAL, R_NUM),
	ERR("alloc kmalloc 1KB", EINVAL, R_NUM),
	ERR("alloc kmalloc 1KiB", EINVAL, R_NUM),
	ERR("alloc kmalloc 1KK", EINVAL, R_NUM),
	ERR("alloc kmalloc K", EINVAL, R_NUM),
	ERR("alloc kmalloc 1.5K", EINVAL, R_NUM),
	ERR("alloc kmalloc 1e3", EINVAL, R_NUM),
	ERR("alloc kmalloc 0x10", EINVAL, R_NUM),
	ERR("alloc kmalloc 0X10", EINVAL, R_NUM),
	ERR("alloc kmalloc -1", EINVAL, R_NUM),
	ERR("alloc kmalloc -0", EINVAL, R_NUM),
	ERR("alloc kmalloc +1", EINVAL, R_NUM),
	ERR("alloc kmalloc +", EINVAL, R_NUM),
	ERR("alloc kmalloc 1_000", EINVAL, R_NUM),
	ERR("alloc kmalloc 1,000", EINVAL, R_NUM),
	ERR("alloc kmalloc 1 K", EINVAL, R_OPT),
	ERR("alloc kmalloc sixty", EINVAL, R_NUM),
	ERR("alloc kmalloc 64x", EINVAL, R_NUM),
	/* u64 boundaries of sizes */
	ERR("alloc kmalloc 18446744073709551615", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 18446744073709551616", EINVAL, R_BIG),
	ERR("alloc kmalloc 99999999999999999999999", EINVAL, R_BIG),
	ERR("alloc kmalloc 99999999999999999999999x", EINVAL, R_NUM),
	ERR("alloc kmalloc 16777216G", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 17179869183G", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 17179869184G", EINVAL, R_BIG),
	ERR("alloc kmalloc 17592186044415M", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 17592186044416M", EINVAL, R_BIG),
	ERR("alloc kmalloc 18014398509481983K", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 18014398509481984K", EINVAL, R_BIG),
	ERR("alloc kmalloc 18446744073709551615K", EINVAL, R_BIG),
	ALLOC_L(&lim_max, "alloc vmalloc 18446744073709551615", ML_VMALLOC, U64MAX, 1, false),
	ALLOC_L(&lim_max, "alloc vmalloc 17179869183G", ML_VMALLOC, 17179869183ULL * G, 1,
		false),
	ALLOC_L(&lim_max, "alloc vmalloc 17592186044415M", ML_VMALLOC, 17592186044415ULL * M, 1,
		false),
	ALLOC_L(&lim_max, "alloc vmalloc 18014398509481983K", ML_VMALLOC,
		18014398509481983ULL * K, 1, false),
	ALLOC_L(&lim_max, "alloc kmalloc 16777216G", ML_KMALLOC, 16777216ULL * G, 1, false),
	/* the strategy's limit, checked after the grammar */
	ERR("alloc kmalloc 4194305", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 4097K", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 5M", E2BIG, R_LIMIT),
	ERR("alloc vmalloc 67108865", E2BIG, R_LIMIT),
	ERR("alloc vmalloc 1G", E2BIG, R_LIMIT),
	ALLOC("alloc percpu 32768", ML_PERCPU, 32768, 1, false),
	ERR("alloc percpu 32769", E2BIG, R_LIMIT),
	ERR("alloc kmalloc 8M foo", EINVAL, R_OPT),
	ERR("alloc kmalloc 8M 0", EINVAL, R_COUNT0),
	ERR("alloc kmalloc 8M 1K", EINVAL, R_NUM),
	ERR("alloc kmalloc 8M atomic 2", EINVAL, R_ORDER),
	ERR("alloc vmalloc 1G atomic", EINVAL, R_SLEEP),
	ERR("alloc kmalloc 8M 4398046511104", E2BIG, R_LIMIT),
	ERR_L(&lim_zero, "alloc kmalloc 1", E2BIG, R_LIMIT),
	ERR_L(&lim_zero, "bench percpu 1", E2BIG, R_LIMIT),
	ALLOC_L(&lim_max, "alloc kmalloc 1G", ML_KMALLOC, G, 1, false),
	/* size x count */
	ALLOC("alloc kmalloc 1 18446744073709551615", ML_KMALLOC, 1, U64MAX, false),
	ALLOC("alloc kmalloc 2 9223372036854775807", ML_KMALLOC, 2, 9223372036854775807ULL,
	      false),
	ERR("alloc kmalloc 2 9223372036854775808", ENOSPC, R_OVF),
	ERR("alloc kmalloc 2 18446744073709551615", ENOSPC, R_OVF),
	ALLOC("alloc kmalloc 4M 4398046511103", ML_KMALLOC, 4 * M, 4398046511103ULL, false),
	ERR("alloc kmalloc 4M 4398046511104", ENOSPC, R_OVF),
	ERR("alloc kmalloc 4M 4398046511104 atomic", ENOSPC, R_OVF),
	ERR("alloc kmalloc 1 18446744073709551616", EINVAL, R_BIG),
	ALLOC_L(&lim_max, "alloc vmalloc 9223372036854775807 2", ML_VMALLOC,
		9223372036854775807ULL, 2, false),
	ERR_L(&lim_max, "alloc vmalloc 9223372036854775808 2", ENOSPC, R_OVF),
	ERR_L(&lim_max, "alloc vmalloc 18446744073709551615 2", ENOSPC, R_OVF),
	ERR_L(&lim_max, "alloc vmalloc 8G 2147483648", ENOSPC, R_OVF),
	ALLOC_L(&lim_max, "alloc vmalloc 8G 2147483647", ML_VMALLOC, 8 * G, 2147483647ULL,
		false),
	ERR_L(&lim_max, "bench kmalloc 18446744073709551615 2", ENOSPC, R_OVF),
	/* zero */
	ERR("alloc kmalloc 0", EINVAL, R_SIZE0),
	ERR("alloc kmalloc 0K", EINVAL, R_SIZE0),
	ERR("alloc kmalloc 0G", EINVAL, R_SIZE0),
	ERR("alloc kmalloc 000", EINVAL, R_SIZE0),
	ERR("alloc kmalloc 0 atomic", EINVAL, R_SIZE0),
	ERR("alloc kmalloc 64 0", EINVAL, R_COUNT0),
	ERR("alloc kmalloc 64 000 atomic", EINVAL, R_COUNT0),
	ERR("alloc kmalloc 0 0", EINVAL, R_SIZE0),
	ERR("bench kmalloc 0", EINVAL, R_SIZE0),
	/* alloc: count and options */
	ERR("alloc kmalloc 64 -1", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 +2", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 2K", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 1M", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 1G", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 0x2", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 2x", EINVAL, R_NUM),
	ERR("alloc kmalloc 64 atomic 2", EINVAL, R_ORDER),
	ERR("alloc kmalloc 64 atomic -2", EINVAL, R_ORDER),
	ERR("alloc kmalloc 64 atomic atomic", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 atomic x", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 2 3", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 2 3 atomic", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 2 atomic x", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 2 atomic 3", EINVAL, R_ORDER),
	ERR("alloc kmalloc 64 ATOMIC", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 Atomic", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 atomi", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 atomicx", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 gfp_atomic", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 pair", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 batch", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 all", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 #comment", EINVAL, R_OPT),
	/* alloc: missing or wrong words */
	ERR("alloc", EINVAL, R_NOSTRAT),
	ERR("alloc\n", EINVAL, R_NOSTRAT),
	ERR("alloc   ", EINVAL, R_NOSTRAT),
	ERR("alloc kmalloc", EINVAL, R_NOSIZE),
	ERR("alloc kmalloc\n", EINVAL, R_NOSIZE),
	ERR("alloc kmalloc \t", EINVAL, R_NOSIZE),
	ERR("alloc foo 64", EINVAL, R_STRAT),
	ERR("alloc all 64", EINVAL, R_STRAT),
	ERR("alloc Kmalloc 64", EINVAL, R_STRAT),
	ERR("alloc KMALLOC 64", EINVAL, R_STRAT),
	ERR("alloc kmallo 64", EINVAL, R_STRAT),
	ERR("alloc kmallocc 64", EINVAL, R_STRAT),
	ERR("alloc kmem-cache 64", EINVAL, R_STRAT),
	ERR("alloc kmemcache 64", EINVAL, R_STRAT),
	ERR("alloc 64 kmalloc", EINVAL, R_STRAT),
	ERR("alloc 64", EINVAL, R_STRAT),
	/* free */
	FREE_ALL("free all"),
	FREE_ALL("free all\n"),
	FREE_ALL("\tfree  all "),
	FREE_ID("free 0", 0),
	FREE_ID("free 42", 42),
	FREE_ID("free 007", 7),
	FREE_ID("free 42\n", 42),
	FREE_ID("free 18446744073709551615", U64MAX),
	ERR("free 18446744073709551616", EINVAL, R_BIG),
	ERR("free 99999999999999999999", EINVAL, R_BIG),
	FREE_S("free kmalloc\n", ML_KMALLOC),
	FREE_S("free percpu", ML_PERCPU),
	FREE_EVERY("free alloc_pages every 2", ML_ALLOC_PAGES, 2),
	FREE_EVERY("free kmalloc every 1\n", ML_KMALLOC, 1),
	ERR("free kmalloc every 0", EINVAL, "every must be 1 or more"),
	ERR("free kmalloc every", EINVAL, "missing number after every"),
	ERR("free kmalloc every x", EINVAL, R_NUM),
	ERR("free kmalloc every 2 3", EINVAL, R_MANY),
	ERR("free kmalloc each 2", EINVAL, R_MANY),
	ERR("free all every 2", EINVAL, R_MANY),
	/* leak: as alloc, no option, only what kmemleak reports */
	LEAK("leak kmalloc 1K 3", ML_KMALLOC, 1024, 3),
	LEAK("leak vmalloc 64K", ML_VMALLOC, 65536, 1),
	LEAK("leak mempool 256 2\n", ML_MEMPOOL, 256, 2),
	ERR("leak kmalloc 64 atomic", EINVAL, "leak takes no option"),
	ERR("leak kmalloc 64 2 reclaimable", EINVAL, "leak takes no option"),
	ERR("leak alloc_pages 4K", EINVAL, "kmemleak does not report this strategy's leaks"),
	ERR("leak percpu 64", EINVAL, "kmemleak does not report this strategy's leaks"),
	ERR("leak kmalloc 0", EINVAL, R_SIZE0),
	ERR("leak kmalloc 5M", E2BIG, R_LIMIT),
	/* reclaimable, with or without atomic, either order */
	RECL("alloc kmalloc 4K 2000 reclaimable", ML_KMALLOC, 4096, 2000, false),
	RECL("alloc kmalloc 4K reclaimable atomic", ML_KMALLOC, 4096, 1, true),
	RECL("alloc kmem_cache 64 2 atomic reclaimable\n", ML_KMEM_CACHE, 64, 2, true),
	ERR("alloc kmalloc 64 reclaimable reclaimable", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 atomic atomic", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 reclaimable 2", EINVAL, R_ORDER),
	ERR("bench kmalloc 64 reclaimable", EINVAL, R_OPT),

	/* nowait and account: alone, together, with the others, any order */
	OPTS("alloc kmalloc 64 nowait", ML_KMALLOC, 64, 1, 0, 1, 0, 0),
	OPTS("alloc kmalloc 64 account", ML_KMALLOC, 64, 1, 0, 0, 1, 0),
	OPTS("alloc kmalloc 64 3 nowait account\n", ML_KMALLOC, 64, 3, 0, 1, 1, 0),
	OPTS("alloc kmalloc 64 3 account nowait", ML_KMALLOC, 64, 3, 0, 1, 1, 0),
	OPTS("alloc kzalloc 1K 2 reclaimable account nowait", ML_KZALLOC, K, 2, 0, 1, 1, 1),
	OPTS("alloc kmem_cache 200 atomic account", ML_KMEM_CACHE, 200, 1, 1, 0, 1, 0),
	OPTS("alloc alloc_pages 8K 2 account atomic reclaimable", ML_ALLOC_PAGES, 8 * K, 2,
	     1, 0, 1, 1),
	OPTS("alloc percpu 64\tnowait\taccount", ML_PERCPU, 64, 1, 0, 1, 1, 0),
	OPTS("alloc mempool 256 nowait", ML_MEMPOOL, 256, 1, 0, 1, 0, 0),
	OPTS("alloc vmalloc 1M account", ML_VMALLOC, M, 1, 0, 0, 1, 0),
	OPTS("alloc kvmalloc 1M 2 account reclaimable", ML_KVMALLOC, M, 2, 0, 0, 1, 1),
	/* atomic with nowait: two contexts, in either order, wherever they are */
	ERR("alloc kmalloc 64 atomic nowait", EINVAL, R_TWOCTX),
	ERR("alloc kmalloc 64 nowait atomic", EINVAL, R_TWOCTX),
	ERR("alloc kmalloc 64 2 nowait account atomic", EINVAL, R_TWOCTX),
	ERR("alloc vmalloc 64 atomic nowait", EINVAL, R_TWOCTX),
	/* each at most once */
	ERR("alloc kmalloc 64 nowait nowait", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 account account", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 account nowait account", EINVAL, R_MANY),
	ERR("alloc kmalloc 64 nowait 2", EINVAL, R_ORDER),
	ERR("alloc kmalloc 64 account 2", EINVAL, R_ORDER),
	/* not words of theirs */
	ERR("alloc kmalloc 64 NOWAIT", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 nowaitx", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 accounted", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 gfp_nowait", EINVAL, R_OPT),
	ERR("alloc kmalloc 64 no wait", EINVAL, R_OPT),
	/* refused per strategy: vmalloc's nowait on 6.1, mempool's account */
	ERR("alloc vmalloc 64 nowait", EINVAL, R_NOWAIT),
	ERR("alloc kvmalloc 4K 2 nowait", EINVAL, R_NOWAIT),
	ERR("alloc vmalloc 64 nowait account", EINVAL, R_NOWAIT),
	ERR("alloc mempool 64 account", EINVAL, R_ACCOUNT),
	ERR("alloc mempool 64 3 nowait account", EINVAL, R_ACCOUNT),
	ERR("alloc mempool 64 account atomic reclaimable", EINVAL, R_ACCOUNT),
	/* refused before the size is looked at */
	ERR("alloc mempool 8M account", EINVAL, R_ACCOUNT),
	ERR("alloc vmalloc 1G nowait", EINVAL, R_NOWAIT),
	/* where 7.3's vmalloc serves GFP_NOWAIT */
	OPTS_L(&lim_nowait, "alloc vmalloc 64 nowait", ML_VMALLOC, 64, 1, 0, 1, 0, 0),
	OPTS_L(&lim_nowait, "alloc kvmalloc 1M 3 nowait account", ML_KVMALLOC, M, 3, 0, 1, 1, 0),
	ERR_L(&lim_nowait, "alloc vmalloc 64 atomic", EINVAL, R_SLEEP),
	ERR_L(&lim_nowait, "alloc mempool 64 account", EINVAL, R_ACCOUNT),
	/* a kernel without memory cgroups refuses account for every strategy */
	ERR_L(&lim_nomemcg, "alloc kmalloc 64 account", EINVAL, R_NOMEMCG),
	ERR_L(&lim_nomemcg, "alloc percpu 64 nowait account", EINVAL, R_NOMEMCG),
	OPTS_L(&lim_nomemcg, "alloc kmalloc 64 nowait", ML_KMALLOC, 64, 1, 0, 1, 0, 0),
	/* leak and bench take neither */
	ERR("leak kmalloc 64 nowait", EINVAL, R_LEAKOPT),
	ERR("leak kmalloc 64 2 account", EINVAL, R_LEAKOPT),
	ERR("bench kmalloc 64 nowait", EINVAL, R_OPT),
	ERR("bench kmalloc 64 100 account", EINVAL, R_OPT),
	ERR("bench kmalloc 64 pair nowait", EINVAL, R_MANY),
	ERR("free", EINVAL, R_NOFREE),
	ERR("free\n", EINVAL, R_NOFREE),
	ERR("free \t ", EINVAL, R_NOFREE),
	ERR("free all all", EINVAL, R_MANY),
	ERR("free all 1", EINVAL, R_MANY),
	ERR("free kmalloc 1", EINVAL, R_MANY),
	ERR("free kmalloc all", EINVAL, R_MANY),
	ERR("free 1 2", EINVAL, R_MANY),
	ERR("free 1 kmalloc", EINVAL, R_MANY),
	ERR("free -1", EINVAL, R_NUM),
	ERR("free +1", EINVAL, R_NUM),
	ERR("free 1K", EINVAL, R_NUM),
	ERR("free 0x1", EINVAL, R_NUM),
	ERR("free ALL", EINVAL, R_STRAT),
	ERR("free everything", EINVAL, R_STRAT),
	ERR("free foo", EINVAL, R_STRAT),
	/* reset */
	RESET("reset"),
	RESET("reset\n"),
	ERR("reset now", EINVAL, R_MANY),
	ERR("reset 1", EINVAL, R_MANY),
	ERR("reset all", EINVAL, R_MANY),
	ERR("reset\n\n", EINVAL, R_MALFORMED),
	/* bench */
	BENCH("bench kmalloc 64", ML_KMALLOC, 64, ML_BENCH_ITERS_DEFAULT, ML_BENCH_PAIR),
	BENCH("bench kmalloc 64\n", ML_KMALLOC, 64, ML_BENCH_ITERS_DEFAULT, ML_BENCH_PAIR),
	BENCH("bench kmalloc 64 1", ML_KMALLOC, 64, 1, ML_BENCH_PAIR),
	BENCH("bench kmalloc 64 1000000", ML_KMALLOC, 64, 1000000, ML_BENCH_PAIR),
	BENCH("bench kmalloc 64 pair", ML_KMALLOC, 64, ML_BENCH_ITERS_DEFAULT, ML_BENCH_PAIR),
	BENCH("bench kmalloc 64 batch", ML_KMALLOC, 64, ML_BENCH_ITERS_DEFAULT, ML_BENCH_BATCH),
	BENCH("bench vmalloc 64M 500 batch\n", ML_VMALLOC, 64 * M, 500, ML_BENCH_BATCH),
	BENCH("bench percpu 8 100 pair", ML_PERCPU, 8, 100, ML_BENCH_PAIR),
	BENCH("\tbench  mempool\t4K  20\tbatch ", ML_MEMPOOL, 4 * K, 20, ML_BENCH_BATCH),
	ERR("bench kmalloc 64 0", EINVAL, R_ITERS),
	ERR("bench kmalloc 64 1000001", EINVAL, R_ITERS),
	ERR("bench kmalloc 64 18446744073709551615", EINVAL, R_ITERS),
	ERR("bench kmalloc 64 18446744073709551616", EINVAL, R_BIG),
	ERR("bench kmalloc 64 10K", EINVAL, R_NUM),
	ERR("bench kmalloc 64 -5", EINVAL, R_NUM),
	ERR("bench kmalloc 64 batch 500", EINVAL, R_BORDER),
	ERR("bench kmalloc 64 pair batch", EINVAL, R_MANY),
	ERR("bench kmalloc 64 batch batch", EINVAL, R_MANY),
	ERR("bench kmalloc 64 1 2", EINVAL, R_MANY),
	ERR("bench kmalloc 64 1 pair 2", EINVAL, R_BORDER),
	ERR("bench kmalloc 64 atomic", EINVAL, R_BATOMIC),
	ERR("bench kmalloc 64 100 atomic", EINVAL, R_BATOMIC),
	ERR("bench kmalloc 64 pair atomic", EINVAL, R_MANY),
	ERR("bench kmalloc 64 foo", EINVAL, R_OPT),
	ERR("bench kmalloc 64 BATCH", EINVAL, R_OPT),
	ERR("bench kmalloc 64 pairs", EINVAL, R_OPT),
	ERR("bench kmalloc 8M", E2BIG, R_LIMIT),
	ERR("bench kmalloc 8M 0", EINVAL, R_ITERS),
	ERR("bench kmalloc 8M foo", EINVAL, R_OPT),
	ERR("bench", EINVAL, R_NOSTRAT),
	ERR("bench kmalloc", EINVAL, R_NOSIZE),
	ERR("bench all 64", EINVAL, R_STRAT),
	ERR("bench kmalloc 1k", EINVAL, R_NUM),
	/* unknown commands; keywords are exact lowercase */
	ERR("Alloc kmalloc 64", EINVAL, R_CMD),
	ERR("ALLOC kmalloc 64", EINVAL, R_CMD),
	ERR("allocate kmalloc 64", EINVAL, R_CMD),
	ERR("allo kmalloc 64", EINVAL, R_CMD),
	ERR("alloc_kmalloc 64", EINVAL, R_CMD),
	ERR("RESET", EINVAL, R_CMD),
	ERR("resets", EINVAL, R_CMD),
	ERR("rese", EINVAL, R_CMD),
	ERR("frees all", EINVAL, R_CMD),
	ERR("Free all", EINVAL, R_CMD),
	ERR("benchmark kmalloc 64", EINVAL, R_CMD),
	ERR("kmalloc 64", EINVAL, R_CMD),
	ERR("help", EINVAL, R_CMD),
	ERR("#reset", EINVAL, R_CMD),
	ERR("x", EINVAL, R_CMD),
	ERR("64", EINVAL, R_CMD),
	/* empty and malformed bytes */
	ERR("", EINVAL, R_EMPTY),
	ERR(" ", EINVAL, R_EMPTY),
	ERR("\t", EINVAL, R_EMPTY),
	ERR("\n", EINVAL, R_EMPTY),
	ERR(" \t \n", EINVAL, R_EMPTY),
	ERR("\n\n", EINVAL, R_MALFORMED),
	ERR("\nreset", EINVAL, R_MALFORMED),
	ERR("alloc\nkmalloc 64", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64\n ", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64\n\n", EINVAL, R_MALFORMED),
	ERR("reset\r\n", EINVAL, R_MALFORMED),
	ERR("reset\r", EINVAL, R_MALFORMED),
	ERR("reset\v", EINVAL, R_MALFORMED),
	ERR("reset\f", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64\x1b", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc\x01 64", EINVAL, R_MALFORMED),
	ERR("reset\0", EINVAL, R_MALFORMED),
	ERR("reset\0\n", EINVAL, R_MALFORMED),
	ERR("res\0et", EINVAL, R_MALFORMED),
	ERR("\0reset", EINVAL, R_MALFORMED),
	ERR("\0", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64\0", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 6\0" "4", EINVAL, R_MALFORMED),
	ERR("free all\0junk", EINVAL, R_MALFORMED),
	ERR("\x7f", EINVAL, R_MALFORMED),
	ERR("reset\x7f", EINVAL, R_MALFORMED),
	ERR("reset \xc3\xa9", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64\xff", EINVAL, R_MALFORMED),
	ERR("alloc\xa0kmalloc 64", EINVAL, R_MALFORMED),
	ERR("alloc kmalloc 64 \x80", EINVAL, R_MALFORMED),
};

static unsigned int n_test, n_pass, n_fail;

/* KTAP-safe rendering of a command for the test description. */
static void describe(char *out, size_t outsz, const char *in, size_t len)
{
	size_t o = 0, i;

	o += (size_t)snprintf(out + o, outsz - o, "parse \"");
	for (i = 0; i < len && o + 8 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\n')
			o += (size_t)snprintf(out + o, outsz - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, outsz - o, "\\t");
		else if (c < 0x20 || c >= 0x7f || c == '#' || c == '\\' || c == '"')
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (i < len)
		o += (size_t)snprintf(out + o, outsz - o, "...");
	snprintf(out + o, outsz - o, "\" (%zu bytes)", len);
}

static void report(bool ok, const char *desc, const char *why)
{
	n_test++;
	if (ok) {
		n_pass++;
		printf("ok %u - %s\n", n_test, desc);
	} else {
		n_fail++;
		printf("not ok %u - %s\n", n_test, desc);
		printf("# %s\n", why);
	}
}

static bool reason_ok(const char *r)
{
	size_t n;

	if (!r || !r[0] || r[0] < 'a' || r[0] > 'z')
		return false;
	n = strlen(r);
	if (n > 60 || r[n - 1] == '.' || strchr(r, '\n'))
		return false;
	return true;
}

/* Run one command through the parser and compare with @e. */
static void check(const char *desc_in, const char *in, size_t len,
		  const struct ml_parse_table *lim, const struct expect *e)
{
	char desc[600], why[512];
	struct ml_cmd cmd;
	char *buf;
	int ret;

	if (desc_in)
		snprintf(desc, sizeof(desc), "%s", desc_in);
	else
		describe(desc, sizeof(desc), in, len);

	buf = malloc(len ? len : 1);
	if (!buf) {
		report(false, desc, "out of memory");
		return;
	}
	memcpy(buf, in, len);
	/* Dirty the output: the parser must zero what it does not set. */
	memset(&cmd, 0xa5, sizeof(cmd));
	ret = ml_parse(len ? buf : buf + 1, len, lim, &cmd);
	free(buf);

	if (ret != e->ret) {
		snprintf(why, sizeof(why), "returned %d, expected %d (reason: %s)", ret, e->ret,
			 ret && cmd.reason ? cmd.reason : "none");
		report(false, desc, why);
		return;
	}
	if (ret) {
		if (!reason_ok(cmd.reason)) {
			snprintf(why, sizeof(why), "bad reason \"%s\"",
				 cmd.reason ? cmd.reason : "(null)");
			report(false, desc, why);
		} else if (e->reason && strcmp(cmd.reason, e->reason)) {
			snprintf(why, sizeof(why), "reason \"%s\", expected \"%s\"", cmd.reason,
				 e->reason);
			report(false, desc, why);
		} else {
			report(true, desc, NULL);
		}
		return;
	}
	if (cmd.reason || cmd.op != e->op || cmd.strategy != e->strategy ||
	    cmd.size != e->size || cmd.count != e->count || cmd.id != e->id ||
	    cmd.atomic != e->atomic || cmd.pattern != e->pattern || cmd.every != e->every ||
	    cmd.reclaimable != e->reclaimable || cmd.nowait != e->nowait ||
	    cmd.account != e->account) {
		snprintf(why, sizeof(why),
			 "got op %d strategy %d size %llu count %llu id %llu atomic %d nowait %d account %d reclaimable %d pattern %d reason %s; expected op %d strategy %d size %llu count %llu id %llu atomic %d nowait %d account %d reclaimable %d pattern %d",
			 (int)cmd.op, (int)cmd.strategy, (unsigned long long)cmd.size,
			 (unsigned long long)cmd.count, (unsigned long long)cmd.id,
			 (int)cmd.atomic, (int)cmd.nowait, (int)cmd.account, (int)cmd.reclaimable,
			 (int)cmd.pattern, cmd.reason ? cmd.reason : "NULL",
			 (int)e->op, (int)e->strategy, (unsigned long long)e->size,
			 (unsigned long long)e->count, (unsigned long long)e->id,
			 (int)e->atomic, (int)e->nowait, (int)e->account, (int)e->reclaimable,
			 (int)e->pattern);
		report(false, desc, why);
		return;
	}
	report(true, desc, NULL);
}

static void check_str(const char *in, const struct ml_parse_table *lim, const struct expect *e)
{
	check(NULL, in, strlen(in), lim, e);
}

static const char * const names[ML_NR_STRATEGIES] = {
	"kmalloc", "kzalloc", "vmalloc", "kvmalloc",
	"kmem_cache", "alloc_pages", "mempool", "percpu",
};

/* Per strategy: name table, lookup, may_sleep and the commands naming it. */
static void strategy_tests(void)
{
	char in[ML_CMD_MAX + 1], desc[200];
	unsigned int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		const char *n = names[s];
		bool sleeps = s == ML_VMALLOC || s == ML_KVMALLOC;
		u64 lim = lim_std.limit[s];
		struct expect e;
		size_t i;

		snprintf(desc, sizeof(desc), "ml_strategy_lookup(%s) is %u", n, s);
		report(ml_strategy_lookup(&lim_std, n, strlen(n)) == (int)s, desc,
		       "wrong strategy");
		snprintf(desc, sizeof(desc), "ml_strategy_lookup of %s minus its last byte fails",
			 n);
		report(ml_strategy_lookup(&lim_std, n, strlen(n) - 1) == -1, desc,
		       "prefix matched");

		/* alloc <s> 64 */
		e = (struct expect){ .op = ML_OP_ALLOC, .strategy = s, .size = 64, .count = 1 };
		snprintf(in, sizeof(in), "alloc %s 64", n);
		check_str(in, &lim_std, &e);

		/* alloc <s> 64 atomic and alloc <s> 64 3 atomic */
		e.atomic = true;
		if (sleeps)
			e = (struct expect){ .ret = -EINVAL, .reason = R_SLEEP };
		snprintf(in, sizeof(in), "alloc %s 64 atomic", n);
		check_str(in, &lim_std, &e);
		if (!sleeps)
			e.count = 3;
		snprintf(in, sizeof(in), "alloc %s 64 3 atomic\n", n);
		check_str(in, &lim_std, &e);

		/* alloc <s> 64 nowait: refused where the table says so */
		e = (struct expect){ .op = ML_OP_ALLOC, .strategy = s, .size = 64, .count = 1,
				     .nowait = true };
		if (sleeps)
			e = (struct expect){ .ret = -EINVAL, .reason = R_NOWAIT };
		snprintf(in, sizeof(in), "alloc %s 64 nowait", n);
		check_str(in, &lim_std, &e);
		/* and as 7.3 fills the table: every strategy takes it */
		e = (struct expect){ .op = ML_OP_ALLOC, .strategy = s, .size = 64, .count = 1,
				     .nowait = true };
		check_str(in, &lim_nowait, &e);

		/* alloc <s> 64 2 account: every strategy but the mempool */
		e = (struct expect){ .op = ML_OP_ALLOC, .strategy = s, .size = 64, .count = 2,
				     .account = true };
		if (s == ML_MEMPOOL)
			e = (struct expect){ .ret = -EINVAL, .reason = R_ACCOUNT };
		snprintf(in, sizeof(in), "alloc %s 64 2 account", n);
		check_str(in, &lim_std, &e);

		/* exactly at the limit, and one byte over it */
		e = (struct expect){ .op = ML_OP_ALLOC, .strategy = s, .size = lim, .count = 1 };
		snprintf(in, sizeof(in), "alloc %s %llu", n, (unsigned long long)lim);
		check_str(in, &lim_std, &e);
		snprintf(in, sizeof(in), "alloc %s %lluK", n, (unsigned long long)lim / K);
		check_str(in, &lim_std, &e);
		e = (struct expect){ .ret = -E2BIG, .reason = R_LIMIT };
		snprintf(in, sizeof(in), "alloc %s %llu", n, (unsigned long long)lim + 1);
		check_str(in, &lim_std, &e);
		snprintf(in, sizeof(in), "alloc %s %lluK", n, (unsigned long long)lim / K + 1);
		check_str(in, &lim_std, &e);
		snprintf(in, sizeof(in), "bench %s %llu", n, (unsigned long long)lim + 1);
		check_str(in, &lim_std, &e);

		/* free <s> */
		e = (struct expect){ .op = ML_OP_FREE_STRATEGY, .strategy = s };
		snprintf(in, sizeof(in), "free %s", n);
		check_str(in, &lim_std, &e);

		/* bench <s> 64, with and without atomic */
		e = (struct expect){ .op = ML_OP_BENCH, .strategy = s, .size = 64,
				     .count = ML_BENCH_ITERS_DEFAULT };
		snprintf(in, sizeof(in), "bench %s 64", n);
		check_str(in, &lim_std, &e);
		e = (struct expect){ .ret = -EINVAL, .reason = R_BATOMIC };
		snprintf(in, sizeof(in), "bench %s 64 atomic", n);
		check_str(in, &lim_std, &e);

		/* the name in uppercase is unknown */
		snprintf(in, sizeof(in), "alloc %s 64", n);
		for (i = 6; in[i] != ' '; i++)
			if (in[i] >= 'a' && in[i] <= 'z')
				in[i] = (char)(in[i] - 'a' + 'A');
		e = (struct expect){ .ret = -EINVAL, .reason = R_STRAT };
		check_str(in, &lim_std, &e);
	}

	report(ml_strategy_lookup(&lim_std, "", 0) == -1, "ml_strategy_lookup of \"\" fails", "matched");
	report(ml_strategy_lookup(&lim_std, "all", 3) == -1, "ml_strategy_lookup(all) fails", "matched");
	report(ml_strategy_lookup(&lim_std, "kmallocx", 8) == -1, "ml_strategy_lookup(kmallocx) fails",
	       "matched");
	report(ml_strategy_lookup(&lim_std, "kmalloc\0", 8) == -1,
	       "ml_strategy_lookup of kmalloc plus a NUL byte fails", "matched");
	report(ml_strategy_lookup(&lim_std, "kmalloc 64", 7) == ML_KMALLOC,
	       "ml_strategy_lookup reads only len bytes", "wrong");
}

/* Commands of exactly ML_CMD_MAX bytes and just over it. */
static void length_tests(void)
{
	static const struct expect ok64 = { .op = ML_OP_ALLOC, .strategy = ML_KMALLOC,
					    .size = 64, .count = 1 };
	static const struct expect too_long = { .ret = -EINVAL, .reason = R_LONG };
	static const struct expect empty = { .ret = -EINVAL, .reason = R_EMPTY };
	static const struct expect reset = { .op = ML_OP_RESET };
	char in[2 * ML_CMD_MAX];
	struct ml_cmd cmd;
	int ret;

	/* "alloc kmalloc 64" then blanks up to 256 bytes */
	memset(in, ' ', sizeof(in));
	memcpy(in, "alloc kmalloc 64", 16);
	check("256 bytes with trailing blanks is accepted", in, ML_CMD_MAX, &lim_std, &ok64);
	check("257 bytes with trailing blanks is too long", in, ML_CMD_MAX + 1, &lim_std,
	      &too_long);
	check("512 bytes is too long", in, sizeof(in), &lim_std, &too_long);

	/* 255 bytes and a newline */
	in[ML_CMD_MAX - 1] = '\n';
	check("255 bytes plus a newline is accepted", in, ML_CMD_MAX, &lim_std, &ok64);
	in[ML_CMD_MAX - 1] = ' ';
	in[ML_CMD_MAX] = '\n';
	check("256 bytes plus a newline is too long", in, ML_CMD_MAX + 1, &lim_std, &too_long);

	/* leading zeros filling the whole 256 bytes */
	memcpy(in, "alloc kmalloc ", 14);
	memset(in + 14, '0', ML_CMD_MAX - 16);
	memcpy(in + ML_CMD_MAX - 2, "64", 2);
	check("256 bytes of which 242 digits of size is accepted", in, ML_CMD_MAX, &lim_std,
	      &ok64);
	memset(in + 14, '0', ML_CMD_MAX - 15);
	memcpy(in + ML_CMD_MAX - 1, "64", 2);
	check("257 bytes of which 243 digits of size is too long", in, ML_CMD_MAX + 1,
	      &lim_std, &too_long);

	/* leading blanks */
	memset(in, '\t', sizeof(in));
	memcpy(in + ML_CMD_MAX - 5, "reset", 5);
	check("251 tabs then reset (256 bytes) is accepted", in, ML_CMD_MAX, &lim_std, &reset);
	memset(in, '\t', sizeof(in));
	memcpy(in + ML_CMD_MAX - 4, "reset", 5);
	check("252 tabs then reset (257 bytes) is too long", in, ML_CMD_MAX + 1, &lim_std,
	      &too_long);
	memset(in, ' ', sizeof(in));
	check("256 blanks is an empty command", in, ML_CMD_MAX, &lim_std, &empty);
	check("257 blanks is too long", in, ML_CMD_MAX + 1, &lim_std, &too_long);

	/* the parser reads only len bytes */
	check("reset read from \"resetX\" with len 5", "resetX", 5, &lim_std, &reset);
	check("alloc kmalloc 64 read from alloc kmalloc 640 with len 16",
	      "alloc kmalloc 640", 16, &lim_std, &ok64);

	/* NULL buffer */
	memset(&cmd, 0xa5, sizeof(cmd));
	ret = ml_parse(NULL, 0, &lim_std, &cmd);
	report(ret == -EINVAL && reason_ok(cmd.reason), "NULL buffer is EINVAL",
	       "not EINVAL");
}

int main(void)
{
	size_t i, ncases = sizeof(cases) / sizeof(cases[0]);
	/* 2 lookups and 15 commands per strategy, 5 odd lookups, 14 length tests */
	unsigned int planned = (unsigned int)ncases + ML_NR_STRATEGIES * 17 + 5 + 14;

	lim_nowait = lim_std;
	memset(lim_nowait.nowait_refused, 0, sizeof(lim_nowait.nowait_refused));
	lim_nomemcg = lim_std;
	lim_nomemcg.no_memcg = true;

	printf("KTAP version 1\n");
	printf("1..%u\n", planned);
	for (i = 0; i < ncases; i++)
		check(NULL, cases[i].in, cases[i].len, cases[i].lim, &cases[i].e);
	strategy_tests();
	length_tests();

	if (n_test != planned) {
		printf("# planned %u tests but ran %u\n", planned, n_test);
		n_fail++;
	}
	printf("# parse: %u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
