// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the pieces of memlab that need the kernel: the command
 * parser against the kernel's own limits, the tracked allocation path (ids,
 * all or nothing, the frees, the allocations file) and the snapshot of the
 * counters.
 *
 * Built only for the debug kernel (CONFIG_KUNIT), as memlab_kunit.ko, from
 * its own copies of memlab's sources (tests/kunit/Kbuild): it shares no
 * state with memlab.ko, and the rig never loads the two together. It uses
 * only ml_alloc(), ml_obj_lookup(), ml_free_id(), ml_free_strategy(),
 * ml_stats_snapshot(), ml_stats_reserve()/unreserve(), ml_latency_record()
 * and ml_latency_reset(), the strategy table and the parser, plus the set-up
 * calls main.c makes (ml_stats_init(), ml_track_init(), ...).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/kernel.h>

#include "compat.h"
#include "memlab.h"

/* The cap every track and stats test starts with. */
#define ML_KUNIT_CAP	SZ_4M

/* main.c's parameters, which the strategies and the pools read. */
unsigned long ml_max_bytes = ML_KUNIT_CAP;
unsigned int ml_mempool_min = 4;
unsigned int ml_demo_order = 3;

/* ---- the parser --------------------------------------------------- */

/* An input, and the command (or the reason for the error) it parses to. */
struct ml_parse_case {
	const char *in;
	int err;
	struct ml_cmd want;
};

#define OK(str, ...)		{ .in = str, .want = { __VA_ARGS__ } }
#define OK_ALLOC(str, s, sz, n, at) \
	OK(str, .op = ML_OP_ALLOC, .strategy = s, .size = sz, .count = n, .atomic = at)
#define OK_BENCH(str, s, sz, n) \
	OK(str, .op = ML_OP_BENCH, .strategy = s, .size = sz, .count = n)
#define BAD(str, e, why)	{ .in = str, .err = -(e), .want = { .reason = why } }

static const struct ml_parse_case ml_parse_cases[] = {
	OK_ALLOC("alloc kmalloc 64", ML_KMALLOC, 64, 1, false),
	OK_ALLOC("alloc kmalloc 64\n", ML_KMALLOC, 64, 1, false),
	OK_ALLOC("alloc kzalloc 100 10", ML_KZALLOC, 100, 10, false),
	OK_ALLOC("alloc kmem_cache 200 3 atomic", ML_KMEM_CACHE, 200, 3, true),
	OK_ALLOC("alloc alloc_pages 8K 2 atomic", ML_ALLOC_PAGES, SZ_8K, 2, true),
	OK_ALLOC("alloc mempool 256 atomic", ML_MEMPOOL, 256, 1, true),
	OK_ALLOC("alloc percpu 32K", ML_PERCPU, SZ_32K, 1, false),
	OK_ALLOC("\talloc  vmalloc\t1M 4 ", ML_VMALLOC, SZ_1M, 4, false),
	OK_ALLOC("alloc kvmalloc 4M", ML_KVMALLOC, SZ_4M, 1, false),
	OK_BENCH("bench kmalloc 64", ML_KMALLOC, 64, ML_BENCH_ITERS_DEFAULT),
	OK_BENCH("bench kmem_cache 96 20 batch", ML_KMEM_CACHE, 96, 20),
	OK("free percpu", .op = ML_OP_FREE_STRATEGY, .strategy = ML_PERCPU),
	OK("free all", .op = ML_OP_FREE_ALL),
	OK("free 42", .op = ML_OP_FREE_ID, .id = 42),
	OK("reset\n", .op = ML_OP_RESET),
	BAD("", EINVAL, "empty command"),
	BAD("allocate kmalloc 64", EINVAL, "unknown command"),
	BAD("alloc slab 64", EINVAL, "unknown strategy"),
	BAD("alloc kmalloc", EINVAL, "missing size"),
	BAD("alloc kmalloc 4k", EINVAL, "malformed number"),
	BAD("alloc kmalloc 0", EINVAL, "size is zero"),
	BAD("alloc kmalloc 64 0", EINVAL, "count is zero"),
	BAD("alloc kmalloc 64 now", EINVAL, "unknown option"),
	BAD("alloc kmalloc 18446744073709551616", EINVAL, "number too large"),
	BAD("alloc vmalloc 4K atomic", EINVAL, "atomic with a strategy that may sleep"),
	BAD("alloc kvmalloc 4K atomic", EINVAL, "atomic with a strategy that may sleep"),
	BAD("bench kmalloc 64 0", EINVAL, "iterations out of range"),
	BAD("bench kmalloc 64 atomic", EINVAL, "bench does not take atomic"),
	BAD("free", EINVAL, "missing strategy, all or id"),
	BAD("reset now", EINVAL, "too many arguments"),
	BAD("alloc percpu 33K", E2BIG, "size above the strategy's limit"),
	BAD("alloc kmalloc 4096 18446744073709551615", ENOSPC, "size x count overflows"),
};

static void ml_test_parse_table(struct kunit *test)
{
	const struct ml_parse_case *c;
	const struct ml_cmd *w;
	struct ml_parse_table t;
	struct ml_cmd cmd;
	int err;

	ml_parse_table_fill(&t);
	for (c = ml_parse_cases; c < ml_parse_cases + ARRAY_SIZE(ml_parse_cases); c++) {
		w = &c->want;
		memset(&cmd, 0, sizeof(cmd));
		err = ml_parse(c->in, strlen(c->in), &t, &cmd);
		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "'%s'", c->in);
		if (err != c->err)
			continue;
		if (err) {
			KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, cmd.reason, "'%s'", c->in);
			if (cmd.reason)
				KUNIT_EXPECT_STREQ_MSG(test, cmd.reason, w->reason, "'%s'", c->in);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, cmd.op, w->op, "'%s'", c->in);
		switch (w->op) {
		case ML_OP_ALLOC:
		case ML_OP_BENCH:
			KUNIT_EXPECT_EQ_MSG(test, cmd.strategy, w->strategy, "'%s'", c->in);
			KUNIT_EXPECT_EQ_MSG(test, cmd.size, w->size, "'%s'", c->in);
			KUNIT_EXPECT_EQ_MSG(test, cmd.count, w->count, "'%s'", c->in);
			KUNIT_EXPECT_EQ_MSG(test, cmd.atomic, w->atomic, "'%s'", c->in);
			break;
		case ML_OP_FREE_STRATEGY:
			KUNIT_EXPECT_EQ_MSG(test, cmd.strategy, w->strategy, "'%s'", c->in);
			break;
		case ML_OP_FREE_ID:
			KUNIT_EXPECT_EQ_MSG(test, cmd.id, w->id, "'%s'", c->in);
			break;
		default:
			break;
		}
	}
}

/* The kernel's limits: each strategy's largest size passes, one byte more is E2BIG. */
static void ml_test_parse_kernel_limits(struct kunit *test)
{
	char buf[ML_CMD_MAX];
	struct ml_parse_table t;
	struct ml_cmd cmd;
	int s, len;

	ml_parse_table_fill(&t);
	KUNIT_EXPECT_EQ(test, t.limit[ML_KMALLOC], (u64)KMALLOC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, t.limit[ML_PERCPU], (u64)SZ_32K);
	KUNIT_EXPECT_EQ(test, t.limit[ML_VMALLOC], (u64)ml_max_bytes);
	KUNIT_EXPECT_EQ(test, t.limit[ML_KVMALLOC], min_t(u64, ml_max_bytes, INT_MAX));
	KUNIT_EXPECT_EQ(test, t.limit[ML_ALLOC_PAGES], (u64)PAGE_SIZE << ML_MAX_PAGE_ORDER);
	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		len = snprintf(buf, sizeof(buf), "alloc %s %llu", ml_strategy_name(s),
			       t.limit[s]);
		KUNIT_EXPECT_EQ_MSG(test, ml_parse(buf, len, &t, &cmd), 0, "'%s'", buf);
		len = snprintf(buf, sizeof(buf), "alloc %s %llu", ml_strategy_name(s),
			       t.limit[s] + 1);
		KUNIT_EXPECT_EQ_MSG(test, ml_parse(buf, len, &t, &cmd), -E2BIG, "'%s'", buf);
	}
	/* Under a cap above INT_MAX, kvmalloc stops at INT_MAX: it refuses more. */
	ml_max_bytes = 4UL << 30;
	ml_parse_table_fill(&t);
	ml_max_bytes = ML_KUNIT_CAP;
	KUNIT_EXPECT_EQ(test, t.limit[ML_KVMALLOC], (u64)INT_MAX);
	KUNIT_EXPECT_EQ(test, t.limit[ML_VMALLOC], 4ULL << 30);
}

/* Only @len bytes are read; a NUL inside, or more than ML_CMD_MAX, is refused. */
static void ml_test_parse_bounds(struct kunit *test)
{
	static const char nul[] = "alloc kmalloc\0 64";
	struct ml_parse_table lim;
	struct ml_cmd cmd;
	char *buf;

	ml_parse_table_fill(&lim);
	KUNIT_EXPECT_EQ(test, ml_parse("alloc kmalloc 6400", 15, &lim, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.size, 6ULL);
	KUNIT_EXPECT_EQ(test, ml_parse(nul, sizeof(nul) - 1, &lim, &cmd), -EINVAL);

	buf = kunit_kmalloc(test, ML_CMD_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memset(buf, ' ', ML_CMD_MAX + 1);
	memcpy(buf, "reset", 5);
	KUNIT_EXPECT_EQ(test, ml_parse(buf, ML_CMD_MAX, &lim, &cmd), 0);
	KUNIT_EXPECT_EQ(test, ml_parse(buf, ML_CMD_MAX + 1, &lim, &cmd), -EINVAL);
}

/* The table's tokens are the contract's, in its order; the parser finds them. */
static void ml_test_strategy_names(struct kunit *test)
{
	static const char *const tokens[ML_NR_STRATEGIES] = {
		"kmalloc", "kzalloc", "vmalloc", "kvmalloc", "kmem_cache", "alloc_pages",
		"mempool", "percpu",
	};
	struct ml_parse_table t;
	int s;

	ml_parse_table_fill(&t);
	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		KUNIT_EXPECT_STREQ(test, ml_strategy_name(s), tokens[s]);
		KUNIT_EXPECT_EQ(test, ml_strategy_lookup(&t, tokens[s], strlen(tokens[s])), s);
		KUNIT_EXPECT_EQ(test, t.may_sleep[s], s == ML_VMALLOC || s == ML_KVMALLOC);
		KUNIT_EXPECT_EQ(test, ml_ops(s)->has_pool, s == ML_KMEM_CACHE || s == ML_MEMPOOL);
	}
	KUNIT_EXPECT_EQ(test, ml_strategy_lookup(&t, "kmallo", 6), -1);
	KUNIT_EXPECT_EQ(test, ml_strategy_lookup(&t, "kmalloc", 6), -1);
	KUNIT_EXPECT_EQ(test, ml_strategy_lookup(&t, "kmallocx", 8), -1);
}

/*
 * What the cap reserves for one allocation, before allocating. On 6.1,
 * kmalloc_size_roundup() rounds sizes above KMALLOC_MAX_SIZE up to a page
 * order: kvmalloc's 40 MiB must reserve 40 MiB, not 64.
 */
static void ml_test_strategy_bytes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ml_ops(ML_KVMALLOC)->bytes(40 * SZ_1M, NULL), 40ULL * SZ_1M);
	KUNIT_EXPECT_EQ(test, ml_ops(ML_KVMALLOC)->bytes(SZ_16K, NULL), (u64)SZ_16K);
	KUNIT_EXPECT_EQ(test, ml_ops(ML_KVMALLOC)->bytes(100, NULL), (u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ml_ops(ML_KMALLOC)->bytes(100, NULL),
			(u64)kmalloc_size_roundup(100));
	KUNIT_EXPECT_EQ(test, ml_ops(ML_VMALLOC)->bytes(5000, NULL), 2ULL * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ml_ops(ML_ALLOC_PAGES)->bytes(5000, NULL), 2ULL * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ml_ops(ML_PERCPU)->bytes(64, NULL), 64ULL * num_possible_cpus());
}

static struct kunit_case ml_parse_test_cases[] = {
	KUNIT_CASE(ml_test_parse_table),
	KUNIT_CASE(ml_test_parse_kernel_limits),
	KUNIT_CASE(ml_test_parse_bounds),
	KUNIT_CASE(ml_test_strategy_names),
	KUNIT_CASE(ml_test_strategy_bytes),
	{}
};

static struct kunit_suite ml_parse_suite = {
	.name = "memlab_parse",
	.test_cases = ml_parse_test_cases,
};

/* ---- the tracked allocation path and the counters ----------------- */

/* Each test starts from zeroed counters, nothing live, the default cap. */
static int ml_track_test_init(struct kunit *test)
{
	ml_mempool_min = 4;
	ml_stats_init(ML_KUNIT_CAP);
	return ml_track_init();
}

static void ml_track_test_exit(struct kunit *test)
{
	ml_free_strategy(-1, 0, NULL);
	ml_track_exit();
}

/* One command's worth of ml_alloc(), not reclaimable, its reason dropped. */
static int ml_try(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx)
{
	const char *why = NULL;

	return ml_alloc(s, size, count, ctx, false, NULL, &why);
}

/* The record of the @i-th allocation of a command that got ids from @first. */
static struct ml_obj *ml_nth(u32 first, u32 i)
{
	return ml_obj_lookup(first + i);
}

static void ml_snap(struct ml_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	ml_stats_snapshot(snap);
}

/* The contract's invariants on one snapshot. */
static void ml_expect_invariants(struct kunit *test, const struct ml_snapshot *snap)
{
	struct ml_counters sum = {};
	const struct ml_counters *c;
	int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		c = &snap->s[s];
		KUNIT_EXPECT_GE_MSG(test, c->allocs, c->frees, "%s", ml_strategy_name(s));
		KUNIT_EXPECT_GE_MSG(test, c->bytes_alloc, c->bytes_req, "%s", ml_strategy_name(s));
		KUNIT_EXPECT_GE_MSG(test, c->peak_bytes_alloc, c->bytes_alloc, "%s",
				    ml_strategy_name(s));
		if (c->allocs == c->frees) {
			KUNIT_EXPECT_EQ_MSG(test, c->bytes_alloc, 0ULL, "%s", ml_strategy_name(s));
			KUNIT_EXPECT_EQ_MSG(test, c->bytes_req, 0ULL, "%s", ml_strategy_name(s));
		}
		sum.allocs += c->allocs;
		sum.frees += c->frees;
		sum.failures += c->failures;
		sum.bytes_req += c->bytes_req;
		sum.bytes_alloc += c->bytes_alloc;
	}
	KUNIT_EXPECT_EQ(test, snap->total.allocs, sum.allocs);
	KUNIT_EXPECT_EQ(test, snap->total.frees, sum.frees);
	KUNIT_EXPECT_EQ(test, snap->total.failures, sum.failures);
	KUNIT_EXPECT_EQ(test, snap->total.bytes_req, sum.bytes_req);
	KUNIT_EXPECT_EQ(test, snap->total.bytes_alloc, sum.bytes_alloc);
	KUNIT_EXPECT_GE(test, snap->total.peak_bytes_alloc, snap->total.bytes_alloc);
	KUNIT_EXPECT_EQ(test, snap->used, snap->total.bytes_alloc);
	KUNIT_EXPECT_LE(test, snap->used + snap->overhead + snap->reserved, snap->cap);
	KUNIT_EXPECT_EQ(test, snap->cap, (u64)ML_KUNIT_CAP);
}

/* Live allocations of strategy @s (allocs - frees). */
static u64 ml_live_of(const struct ml_snapshot *snap, int s)
{
	return snap->s[s].allocs - snap->s[s].frees;
}

/* One command's records: ids nonzero and rising, sizes and context set. */
static void ml_test_alloc_ids(struct kunit *test)
{
	struct ml_snapshot snap;
	const char *why = NULL;
	struct ml_obj *obj;
	u32 first, id, prev = 0;
	u64 n = 0;

	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMALLOC, 100, 3, ML_CTX_PROCESS, false, &first, &why), 0);
	for (n = 0; n < 3; n++) {
		obj = ml_nth(first, n);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, obj);
		KUNIT_EXPECT_NE(test, obj->id, 0U);
		KUNIT_EXPECT_GT(test, obj->id, prev);
		prev = obj->id;
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, obj->ptr);
		KUNIT_EXPECT_EQ(test, obj->strategy, (u8)ML_KMALLOC);
		KUNIT_EXPECT_EQ(test, obj->context, (u8)ML_CTX_PROCESS);
		KUNIT_EXPECT_EQ(test, obj->bytes_req, 100ULL);
		KUNIT_EXPECT_EQ(test, obj->bytes_alloc, (u64)kmalloc_size_roundup(100));
	}
	KUNIT_EXPECT_EQ(test, n, 3ULL);

	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.s[ML_KMALLOC].allocs, 3ULL);
	KUNIT_EXPECT_EQ(test, snap.s[ML_KMALLOC].bytes_req, 300ULL);
	KUNIT_EXPECT_EQ(test, snap.used, 3ULL * kmalloc_size_roundup(100));
	KUNIT_EXPECT_EQ(test, snap.overhead, 3 * ml_track_bytes());

	/* A second command gets new ids. */
	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KZALLOC, 64, 1, ML_CTX_ATOMIC, false, &id, &why), 0);
	obj = ml_obj_lookup(id);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, obj);
	KUNIT_EXPECT_GT(test, obj->id, prev);
	KUNIT_EXPECT_EQ(test, obj->context, (u8)ML_CTX_ATOMIC);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(obj->ptr, 0, 64));
}

static void ml_test_free_id(struct kunit *test)
{
	struct ml_snapshot snap;
	const char *why = NULL;
	u32 first, ids[3];
	int i;

	KUNIT_ASSERT_EQ(test, ml_alloc(ML_PERCPU, 64, 3, ML_CTX_PROCESS, false, &first, &why), 0);
	for (i = 0; i < 3; i++)
		ids[i] = first + i;

	KUNIT_EXPECT_EQ(test, ml_free_id(ids[1]), 0);
	KUNIT_EXPECT_EQ(test, ml_free_id(ids[1]), -ENOENT);
	KUNIT_EXPECT_EQ(test, ml_free_id(0), -ENOENT);
	KUNIT_EXPECT_EQ(test, ml_free_id((u64)U32_MAX + 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ml_free_id(U64_MAX), -ENOENT);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, ml_live_of(&snap, ML_PERCPU), 2ULL);
	KUNIT_EXPECT_EQ(test, snap.s[ML_PERCPU].bytes_req, 128ULL);
	KUNIT_EXPECT_EQ(test, snap.used, 128ULL * num_possible_cpus());

	KUNIT_EXPECT_EQ(test, ml_free_id(ids[0]), 0);
	KUNIT_EXPECT_EQ(test, ml_free_id(ids[2]), 0);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.s[ML_PERCPU].frees, 3ULL);
	KUNIT_EXPECT_EQ(test, snap.used, 0ULL);
	KUNIT_EXPECT_EQ(test, snap.overhead, 0ULL);
}

static void ml_test_free_strategy(struct kunit *test)
{
	struct ml_snapshot snap;
	u64 count, bytes = 0, slab;
	const char *why = NULL;
	struct ml_obj *obj;
	u32 first;

	KUNIT_ASSERT_EQ(test, ml_try(ML_KMALLOC, 32, 2, ML_CTX_PROCESS), 0);
	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMEM_CACHE, 200, 3, ML_CTX_ATOMIC, false, &first, &why),
			0);
	obj = ml_obj_lookup(first);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, obj);
	/* Its share of its slab: the slab's bytes over the objects it holds. */
	slab = obj->overhead;
	KUNIT_EXPECT_LT(test, slab, 200ULL);
	KUNIT_ASSERT_EQ(test, ml_try(ML_MEMPOOL, 256, 2, ML_CTX_PROCESS), 0);
	ml_snap(&snap);
	/* The mempool's reserve is memlab's to answer for, beside the records. */
	KUNIT_EXPECT_EQ(test, snap.overhead, 7 * ml_track_bytes() + 4ULL * 256 + 3 * slab);
	KUNIT_ASSERT_EQ(test, ml_try(ML_VMALLOC, SZ_64K, 1, ML_CTX_PROCESS), 0);
	KUNIT_ASSERT_EQ(test, ml_try(ML_ALLOC_PAGES, SZ_8K, 2, ML_CTX_ATOMIC), 0);

	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_KMEM_CACHE, 0, NULL), 3ULL);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_KMEM_CACHE, 0, NULL), 0ULL);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_PERCPU, 0, NULL), 0ULL);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, ml_live_of(&snap, ML_KMEM_CACHE), 0ULL);
	KUNIT_EXPECT_EQ(test, ml_live_of(&snap, ML_KMALLOC), 2ULL);
	KUNIT_EXPECT_EQ(test, snap.s[ML_ALLOC_PAGES].bytes_alloc, 2ULL * SZ_8K);
	KUNIT_EXPECT_EQ(test, snap.s[ML_VMALLOC].bytes_alloc, (u64)SZ_64K);

	/* Freeing all says how many, and how many bytes_alloc, were still live. */
	count = ml_free_strategy(-1, 0, &bytes);
	KUNIT_EXPECT_EQ(test, count, 7ULL);
	KUNIT_EXPECT_EQ(test, bytes, snap.used);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.total.allocs, snap.total.frees);
	KUNIT_EXPECT_EQ(test, snap.used, 0ULL);
	KUNIT_EXPECT_EQ(test, snap.overhead, 0ULL);
	bytes = 0;
	KUNIT_EXPECT_EQ(test, ml_free_strategy(-1, 0, &bytes), 0ULL);
	KUNIT_EXPECT_EQ(test, bytes, 0ULL);
}

/*
 * All or nothing: a command that does not fit under the cap makes nothing.
 * The cap bounds the allocations and what memlab pins beside them.
 */
static void ml_test_cap(struct kunit *test)
{
	struct ml_snapshot before, after;
	u64 track = ml_track_bytes(), n;

	KUNIT_ASSERT_EQ(test, ml_try(ML_KMALLOC, 64, 1, ML_CTX_PROCESS), 0);
	ml_snap(&before);
	KUNIT_EXPECT_EQ(test, ml_try(ML_VMALLOC, SZ_1M, 4, ML_CTX_PROCESS),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 4096, U64_MAX, ML_CTX_PROCESS),
			-ENOSPC);
	/* The records alone: 8-byte objects whose tracking takes ten times more. */
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 8, ML_KUNIT_CAP / (8 + track) + 1,
				     ML_CTX_PROCESS), -ENOSPC);
	ml_snap(&after);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);

	/* Up to the cap, with the records, then not one byte more. */
	KUNIT_EXPECT_EQ(test, ml_free_strategy(-1, 0, NULL), 1ULL);
	KUNIT_EXPECT_EQ(test, ml_try(ML_VMALLOC, SZ_1M, 3, ML_CTX_PROCESS), 0);
	/* Each area takes its page array and vm_struct beside its pages. */
	ml_snap(&after);
	KUNIT_EXPECT_EQ(test, after.overhead,
			3 * (track + ml_vmalloc_cost(SZ_1M, false) - SZ_1M));
	n = (ML_KUNIT_CAP - after.used - after.overhead) / (8 + track);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 8, n, ML_CTX_PROCESS), 0);
	ml_snap(&after);
	ml_expect_invariants(test, &after);
	KUNIT_EXPECT_EQ(test, after.overhead,
			(3 + n) * track + 3 * (ml_vmalloc_cost(SZ_1M, false) - SZ_1M));
	KUNIT_EXPECT_LT(test, after.cap - after.used - after.overhead, 8 + track);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 8, 1, ML_CTX_PROCESS), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_VMALLOC, 0, NULL), 3ULL);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_KMALLOC, 0, NULL), n);
}

/*
 * A mempool's reserve is charged before the pool is made: 1024 elements of
 * 1 MiB are refused, and the kernel is not even asked (no pool made, no
 * page allocation failure); what fits is charged as overhead.
 */
static void ml_test_mempool_reserve(struct kunit *test)
{
	struct ml_snapshot before, after;
	const char *why = NULL;

	ml_mempool_min = 1024;
	ml_snap(&before);
	KUNIT_EXPECT_EQ(test, ml_alloc(ML_MEMPOOL, SZ_1M, 1, ML_CTX_PROCESS, false, NULL, &why),
			-ENOSPC);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
	ml_snap(&after);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);

	ml_mempool_min = 8;
	KUNIT_EXPECT_EQ(test, ml_try(ML_MEMPOOL, 1000, 2, ML_CTX_PROCESS), 0);
	ml_snap(&after);
	ml_expect_invariants(test, &after);
	KUNIT_EXPECT_EQ(test, after.overhead, 8ULL * 1024 + 2 * ml_track_bytes());
	KUNIT_EXPECT_EQ(test, after.used, 2ULL * 1024);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_MEMPOOL, 0, NULL), 2ULL);
	ml_snap(&after);
	KUNIT_EXPECT_EQ(test, after.overhead, 0ULL);
}

/*
 * What a failed command must leave as it was: per strategy allocs, frees,
 * what is live, its bytes and the peak, and used (only failures counts the
 * failure). Returns the first row that differs, ML_NR_STRATEGIES for used,
 * or -1.
 */
static int ml_live_differs(const struct ml_snapshot *a, const struct ml_snapshot *b)
{
	int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		if (a->s[s].allocs != b->s[s].allocs || a->s[s].frees != b->s[s].frees ||
		    a->s[s].peak_bytes_alloc != b->s[s].peak_bytes_alloc ||
		    ml_live_of(a, s) != ml_live_of(b, s) ||
		    a->s[s].bytes_req != b->s[s].bytes_req ||
		    a->s[s].bytes_alloc != b->s[s].bytes_alloc)
			return s;
	}
	return a->used != b->used || a->overhead != b->overhead ? ML_NR_STRATEGIES : -1;
}

/*
 * All or nothing when the allocator says no: the Nth allocation of this
 * task fails (fail-nth, as /proc/self/fail-nth sets it), N = 1, 2, ...
 * until the command runs through with nothing injected. GFP_ATOMIC
 * allocations reach failslab whatever its ignore-gfp-wait says.
 */
static void ml_test_fail_nth(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct ml_snapshot before, after;
	unsigned int n, left, failed = 0;
	int err;

	/* Something live beforehand, of another strategy. */
	KUNIT_ASSERT_EQ(test, ml_try(ML_KZALLOC, 100, 2, ML_CTX_PROCESS), 0);
	for (n = 1; n <= 64; n++) {
		ml_snap(&before);
		current->fail_nth = n;
		err = ml_try(ML_KMALLOC, 64, 4, ML_CTX_ATOMIC);
		left = current->fail_nth;
		current->fail_nth = 0;
		ml_snap(&after);
		ml_expect_invariants(test, &after);
		if (!err) {
			KUNIT_EXPECT_EQ(test, ml_live_of(&after, ML_KMALLOC), 4ULL);
			KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_KMALLOC, 0, NULL), 4ULL);
			if (left)
				break;		/* ran through, nothing injected */
			continue;
		}
		failed++;
		KUNIT_ASSERT_EQ_MSG(test, err, -ENOMEM, "N=%u", n);
		KUNIT_ASSERT_EQ_MSG(test, left, 0U, "N=%u: failed, nothing injected", n);
		/* The allocator's no and memlab's own bookkeeping's alike. */
		KUNIT_ASSERT_EQ_MSG(test, after.total.failures, before.total.failures + 1,
				    "N=%u", n);
		KUNIT_ASSERT_EQ_MSG(test, ml_live_differs(&before, &after), -1,
				    "N=%u: the failed command left something", n);
	}
	KUNIT_EXPECT_LE(test, n, 64U);
	KUNIT_EXPECT_GT(test, failed, 0U);
	kunit_info(test, "N=%u ran through, %u failed\n", n, failed);
#else
	kunit_skip(test, "no CONFIG_FAULT_INJECTION");
#endif
}

/*
 * Read a seq_file to its end into @buf. Its debugfs proxy has no read_iter,
 * so kernel_read() refuses it: go to seq_read_iter(), as read(2) ends up.
 */
static ssize_t ml_read_seq(struct file *f, char *buf, size_t size)
{
	struct kvec kv = { .iov_base = buf, .iov_len = size };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n, len = 0;

	init_sync_kiocb(&kiocb, f);
	do {
		kv.iov_base = buf + len;
		kv.iov_len = size - len;
		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, size - len);
		n = seq_read_iter(&kiocb, &iter);
		if (n < 0)
			return n;
		len += n;
	} while (n > 0 && len < size);
	return len;
}

/*
 * ml_read_debugfs() - what debugfs file @name reads, made by @init in a
 * directory of the test's own, into a page of the test's; skips the case
 * where debugfs is not mounted where the file is opened from.
 */
static char *ml_read_debugfs(struct kunit *test, const char *name,
			     int (*init)(struct dentry *dir))
{
	char path[64];
	struct dentry *dir;
	struct file *f;
	ssize_t len;
	char *buf;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	dir = debugfs_create_dir("memlab_kunit", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dir));
	init(dir);
	snprintf(path, sizeof(path), "/sys/kernel/debug/memlab_kunit/%s", name);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		debugfs_remove_recursive(dir);
		kunit_skip(test, "debugfs is not mounted at /sys/kernel/debug (%ld)", PTR_ERR(f));
	}
	len = ml_read_seq(f, buf, PAGE_SIZE - 1);
	filp_close(f, NULL);
	debugfs_remove_recursive(dir);
	KUNIT_ASSERT_GT(test, len, 0L);
	KUNIT_EXPECT_EQ(test, (int)strlen(buf), (int)len);
	return buf;
}

/* Lines of a NUL-terminated text. */
static int ml_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The debugfs "allocations" file lists exactly the live allocations. */
static void ml_test_allocations_file(struct kunit *test)
{
	const char *why = NULL;
	char want[64];
	u32 first, ids[3];
	char *buf;

	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMALLOC, 100, 3, ML_CTX_PROCESS, false, &first, &why), 0);
	ids[0] = first;
	ids[1] = first + 1;
	ids[2] = first + 2;
	KUNIT_ASSERT_EQ(test, ml_try(ML_PERCPU, 8, 1, ML_CTX_ATOMIC), 0);
	KUNIT_ASSERT_EQ(test, ml_free_id(ids[1]), 0);

	buf = ml_read_debugfs(test, "allocations", ml_allocations_debugfs_init);

	/* The header, then one line per live allocation: 3 of the 4 made. */
	KUNIT_EXPECT_EQ(test, strncmp(buf, "# id strategy bytes_req bytes_alloc context age_ms\n",
				      51), 0);
	KUNIT_EXPECT_EQ(test, buf[strlen(buf) - 1], '\n');
	snprintf(want, sizeof(want), "\n%u kmalloc 100 %zu process ", ids[0],
		 kmalloc_size_roundup(100));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "no '%s' in:\n%s", want + 1, buf);
	snprintf(want, sizeof(want), "\n%u kmalloc 100 %zu process ", ids[2],
		 kmalloc_size_roundup(100));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "no '%s' in:\n%s", want + 1, buf);
	snprintf(want, sizeof(want), "\n%u kmalloc ", ids[1]);
	KUNIT_EXPECT_NULL_MSG(test, strstr(buf, want), "freed id listed:\n%s", buf);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, " percpu 8 "), "%s", buf);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, " atomic "), "%s", buf);
	KUNIT_EXPECT_EQ_MSG(test, ml_count_lines(buf), 4, "%s", buf);
}

/* The shrinker's side: the oldest reclaimable first, the others untouched. */
static void ml_test_reclaim(struct kunit *test)
{
	u64 live, reclaimed, r0;
	const char *why = NULL;
	u32 first, other;
	int i;

	ml_stats_reclaim_counts(&live, &r0);
	KUNIT_EXPECT_EQ(test, live, 0ULL);
	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMALLOC, 64, 2, ML_CTX_PROCESS, false, &other, &why), 0);
	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMEM_CACHE, 64, 5, ML_CTX_ATOMIC, true, &first, &why),
			0);
	ml_stats_reclaim_counts(&live, &reclaimed);
	KUNIT_EXPECT_EQ(test, live, 5ULL);

	KUNIT_EXPECT_EQ(test, ml_reclaim(2), 2UL);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ_MSG(test, !ml_nth(first, i), i < 2, "record %d", i);
	ml_stats_reclaim_counts(&live, &reclaimed);
	KUNIT_EXPECT_EQ(test, live, 3ULL);
	KUNIT_EXPECT_EQ(test, reclaimed, r0 + 2);

	/* A free by id takes it off the list; the shrinker finds the rest. */
	KUNIT_EXPECT_EQ(test, ml_free_id(first + 2), 0);
	KUNIT_EXPECT_EQ(test, ml_reclaim(100), 2UL);
	KUNIT_EXPECT_EQ(test, ml_reclaim(100), 0UL);
	ml_stats_reclaim_counts(&live, &reclaimed);
	KUNIT_EXPECT_EQ(test, live, 0ULL);
	KUNIT_EXPECT_EQ(test, reclaimed, r0 + 4);
	KUNIT_EXPECT_NOT_NULL(test, ml_obj_lookup(other));
	KUNIT_EXPECT_NOT_NULL(test, ml_obj_lookup(other + 1));
}

/*
 * A leaked record holds no kernel address, so kmemleak finds no reference;
 * memlab still knows where the object is and frees it.
 */
static void ml_test_leak_mask(struct kunit *test)
{
	const char *why = NULL;
	struct ml_obj *obj;
	void *mem;
	u32 id;

	KUNIT_ASSERT_EQ(test, ml_alloc(ML_KMALLOC, 1024, 1, ML_CTX_LEAKED, false, &id, &why), 0);
	obj = ml_obj_lookup(id);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	mem = ml_obj_mem(obj);
	KUNIT_EXPECT_FALSE(test, obj->ptr == mem);
	KUNIT_EXPECT_FALSE(test, obj->masked & BIT(BITS_PER_LONG - 1));
	KUNIT_EXPECT_TRUE(test, virt_addr_valid(mem));
	KUNIT_EXPECT_EQ(test, ksize(mem), (size_t)1024);
	KUNIT_EXPECT_EQ(test, ml_free_id(id), 0);
}

static struct kunit_case ml_track_test_cases[] = {
	KUNIT_CASE(ml_test_alloc_ids),
	KUNIT_CASE(ml_test_free_id),
	KUNIT_CASE(ml_test_free_strategy),
	KUNIT_CASE(ml_test_cap),
	KUNIT_CASE(ml_test_mempool_reserve),
	KUNIT_CASE(ml_test_reclaim),
	KUNIT_CASE(ml_test_leak_mask),
	KUNIT_CASE(ml_test_fail_nth),
	KUNIT_CASE(ml_test_allocations_file),
	{}
};

static struct kunit_suite ml_track_suite = {
	.name = "memlab_track",
	.init = ml_track_test_init,
	.exit = ml_track_test_exit,
	.test_cases = ml_track_test_cases,
};

/* The reservation: what is reserved counts against the cap until given back. */
static void ml_test_reserve(struct kunit *test)
{
	u64 track = ml_track_bytes(), room = SZ_4K + track;
	struct ml_snapshot snap;

	KUNIT_EXPECT_EQ(test, ml_stats_reserve(ML_KUNIT_CAP + 1ULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ml_stats_reserve(ML_KUNIT_CAP - room), 0);
	KUNIT_EXPECT_EQ(test, ml_stats_reserve(room + 1), -ENOSPC);
	/* kmalloc: the cap takes its bytes alone (vmalloc adds its area's extras). */
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, SZ_8K, 1, ML_CTX_PROCESS),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, SZ_4K, 1, ML_CTX_PROCESS), 0);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 8, 1, ML_CTX_PROCESS), -ENOSPC);
	ml_stats_unreserve(ML_KUNIT_CAP - room);
	KUNIT_EXPECT_EQ(test, ml_try(ML_KMALLOC, 8, 1, ML_CTX_PROCESS), 0);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.used, SZ_4K + (u64)kmalloc_size_roundup(8));
	KUNIT_EXPECT_EQ(test, snap.overhead, 2 * track);
	KUNIT_EXPECT_EQ(test, ml_stats_reserve(ML_KUNIT_CAP - snap.used - snap.overhead), 0);
	ml_stats_unreserve(ML_KUNIT_CAP - snap.used - snap.overhead);
}

/* Snapshots while every strategy allocates and frees: invariants and peaks. */
static void ml_test_snapshot(struct kunit *test)
{
	static const u64 size[ML_NR_STRATEGIES] = {
		[ML_KMALLOC] = 100, [ML_KZALLOC] = 100, [ML_VMALLOC] = SZ_16K,
		[ML_KVMALLOC] = SZ_64K, [ML_KMEM_CACHE] = 200, [ML_ALLOC_PAGES] = SZ_8K,
		[ML_MEMPOOL] = 256, [ML_PERCPU] = 64,
	};
	struct ml_snapshot snap;
	u64 peak = 0;
	int s;

	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.total.allocs, 0ULL);
	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		KUNIT_ASSERT_EQ_MSG(test, ml_try(s, size[s], 2, ML_CTX_PROCESS), 0,
				    "%s", ml_strategy_name(s));
		ml_snap(&snap);
		ml_expect_invariants(test, &snap);
		KUNIT_EXPECT_EQ(test, snap.s[s].allocs, 2ULL);
		KUNIT_EXPECT_EQ(test, snap.s[s].bytes_req, 2 * size[s]);
		KUNIT_EXPECT_EQ(test, snap.s[s].peak_bytes_alloc, snap.s[s].bytes_alloc);
		KUNIT_EXPECT_EQ(test, snap.total.peak_bytes_alloc, snap.used);
		peak = snap.used;
	}
	KUNIT_EXPECT_EQ(test, snap.total.allocs, 2ULL * ML_NR_STRATEGIES);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_VMALLOC, 0, NULL), 2ULL);
	KUNIT_EXPECT_EQ(test, ml_free_strategy(ML_KVMALLOC, 0, NULL), 2ULL);
	ml_snap(&snap);
	ml_expect_invariants(test, &snap);
	KUNIT_EXPECT_EQ(test, snap.total.peak_bytes_alloc, peak);
	KUNIT_EXPECT_LT(test, snap.used, peak);
	KUNIT_EXPECT_EQ(test, snap.s[ML_VMALLOC].peak_bytes_alloc, 2ULL * SZ_16K);
	KUNIT_EXPECT_EQ(test, snap.s[ML_VMALLOC].bytes_alloc, 0ULL);
}

/*
 * The latency file: every sample in the bucket its row names, the longest
 * too. Before, the last bucket said hi_ns 2^40 and held every larger value.
 */
static void ml_test_latency_buckets(struct kunit *test)
{
	static const char *const want[] = {
		"\nkmalloc 0 2 1\n",				/* 0 ns */
		"\nkmalloc 1099511627776 2199023255552 1\n",	/* 2^40 */
		"\nkmalloc 9223372036854775808 18446744073709551616 2\n", /* 2^63, U64_MAX */
	};
	unsigned int i;
	char *buf;

	ml_latency_reset();
	ml_latency_record(ML_KMALLOC, 0);
	ml_latency_record(ML_KMALLOC, 1ULL << 40);
	ml_latency_record(ML_KMALLOC, 1ULL << 63);
	ml_latency_record(ML_KMALLOC, U64_MAX);

	buf = ml_read_debugfs(test, "latency", ml_latency_debugfs_init);

	/* The two header lines, then one row per bucket that holds a sample. */
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want[i]), "no '%s' in:\n%s",
					  want[i] + 1, buf);
	KUNIT_EXPECT_EQ_MSG(test, ml_count_lines(buf), 2 + 3, "%s", buf);
}

static struct kunit_case ml_stats_test_cases[] = {
	KUNIT_CASE(ml_test_reserve),
	KUNIT_CASE(ml_test_snapshot),
	KUNIT_CASE(ml_test_latency_buckets),
	{}
};

static struct kunit_suite ml_stats_suite = {
	.name = "memlab_stats",
	.init = ml_track_test_init,
	.exit = ml_track_test_exit,
	.test_cases = ml_stats_test_cases,
};

kunit_test_suites(&ml_parse_suite, &ml_track_suite, &ml_stats_suite);

MODULE_DESCRIPTION("KUnit tests of memlab's parser, tracking and counters");
MODULE_LICENSE("GPL");
