/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memlab command parser: pure C, no kernel dependency beyond this shim, so
 * the host compiles the very same src/parse.c for unit tests and fuzzing.
 */
#ifndef MEMLAB_PARSE_H
#define MEMLAB_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include "memlab_host.h"	/* tests/unit: libc types under kernel names */
#endif

/* Longest command one write(2) may carry, newline included. */
#define ML_CMD_MAX		256

/* Defaults when the optional words are left out. */
#define ML_BENCH_ITERS_DEFAULT	10000
#define ML_BENCH_ITERS_MAX	1000000

/* The eight strategies, in the order of the contract's table. */
enum ml_strategy {
	ML_KMALLOC,
	ML_KZALLOC,
	ML_VMALLOC,
	ML_KVMALLOC,
	ML_KMEM_CACHE,
	ML_ALLOC_PAGES,
	ML_MEMPOOL,
	ML_PERCPU,
	ML_NR_STRATEGIES
};

enum ml_op {
	ML_OP_ALLOC,		/* alloc <strategy> <size> [<count>] [<option>...] */
	ML_OP_FREE_STRATEGY,	/* free <strategy> [every <n>] */
	ML_OP_FREE_ALL,		/* free all */
	ML_OP_FREE_ID,		/* free <id> */
	ML_OP_RESET,		/* reset */
	ML_OP_BENCH,		/* bench <strategy> <size> [<iterations>] [pair|batch] */
	ML_OP_LEAK,		/* leak <strategy> <size> [<count>] */
};

enum ml_bench_pattern {
	ML_BENCH_PAIR,
	ML_BENCH_BATCH,
};

struct ml_cmd {
	enum ml_op op;
	enum ml_strategy strategy;
	u64 size;		/* bytes */
	u64 count;		/* alloc, leak: count; bench: iterations */
	u64 id;			/* free <id> */
	u64 every;		/* free <strategy> every <n>: n; 0 for all */
	bool atomic;		/* GFP_ATOMIC, under a spinlock */
	bool nowait;		/* GFP_NOWAIT */
	bool account;		/* __GFP_ACCOUNT */
	bool reclaimable;
	enum ml_bench_pattern pattern;
	const char *reason;	/* static text saying why, when parsing fails */
};

/*
 * What the parser needs to know of each strategy, indexed by enum
 * ml_strategy: its token, its request limit (E2BIG beyond), whether it
 * may sleep ("atomic" is refused), whether the running kernel refuses it
 * GFP_NOWAIT ("nowait" is refused) and whether the kernel charges it to a
 * memory cgroup ("account" is refused if not); and, for the whole kernel,
 * whether it charges memory cgroups at all. The kernel fills it from the
 * strategy table (ml_parse_table_fill(), strategy.c); host tests bring
 * their own.
 */
struct ml_parse_table {
	const char *name[ML_NR_STRATEGIES];
	u64 limit[ML_NR_STRATEGIES];
	bool may_sleep[ML_NR_STRATEGIES];
	bool leak_seen[ML_NR_STRATEGIES];	/* kmemleak tracks and reports it */
	bool nowait_refused[ML_NR_STRATEGIES];
	bool accounted[ML_NR_STRATEGIES];
	bool no_memcg;		/* no memory cgroup is charged: "account" refused */
};

/* Strategy whose token is exactly the @len bytes at @tok, or -1. */
int ml_strategy_lookup(const struct ml_parse_table *t, const char *tok, size_t len);

/*
 * Parse one command of @len bytes (not NUL-terminated; a NUL byte inside is
 * malformed). Returns 0 and fills @cmd, or a negative errno with
 * @cmd->reason set: -EINVAL, -E2BIG (size above the strategy's limit), -ENOSPC (size x count
 * does not fit in 64 bits, so it cannot fit under any cap).
 */
int ml_parse(const char *buf, size_t len, const struct ml_parse_table *t,
	     struct ml_cmd *cmd);

#endif /* MEMLAB_PARSE_H */
