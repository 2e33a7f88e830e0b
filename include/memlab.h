/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memlab's internal interfaces: the strategy table, the tracked allocation
 * path, the counters, the per-size pools and the user-visible files.
 */
#ifndef MEMLAB_H
#define MEMLAB_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/seqlock.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/timex.h>
#include <linux/math64.h>
#include <linux/jump_label.h>
#include <linux/slab.h>
#include <linux/mempool.h>

#include "memlab_parse.h"

#define MEMLAB_VERSION		"1.0.0"

struct dentry;
struct proc_dir_entry;
struct kmem_cache;
struct mempool_s;

/* Where an allocation was made, as the allocations file shows it. */
enum ml_context {
	ML_CTX_INIT,		/* the load-time demonstration */
	ML_CTX_PROCESS,		/* a control command, may sleep */
	ML_CTX_ATOMIC,		/* a control command, under a spinlock */
};

/*
 * A per-size pool: memlab's own kmem_cache "memlab-<size>" or its mempool for
 * one element size. Shared by the live allocations of that size, destroyed
 * with the last of them.
 */
struct ml_pool {
	struct list_head node;
	refcount_t ref;
	enum ml_strategy strategy;
	size_t size;			/* requested object size */
	size_t elem_size;		/* what one element really takes */
	struct kmem_cache *cache;
	struct mempool_s *mempool;
	char name[32];
};

/* One live allocation. */
struct ml_obj {
	void *ptr;			/* address, struct page * or percpu pointer */
	struct ml_pool *pool;
	struct ml_obj *next;		/* chains a command's objects until published */
	u64 bytes_req;
	u64 bytes_alloc;
	u64 t_ns;			/* ktime_get_coarse_ns() when published */
	u32 id;
	u8 strategy;
	u8 context;
};

/*
 * One strategy. alloc() sets obj->ptr and obj->bytes_alloc or returns an
 * errno; it runs in atomic context when gfp says so. max_bytes() is the
 * bytes_alloc an allocation of @size can take at most, known before
 * allocating (for the cap); @pool is the per-size pool of the strategies
 * that have one (has_pool), NULL for the others. fixed_bytes: every
 * allocation of @size takes exactly max_bytes() (a kmalloc bucket, a pool's
 * element); the caller sets obj->bytes_alloc to it once per command, before
 * allocating, and alloc() leaves it alone.
 */
struct ml_strategy_ops {
	int (*alloc)(struct ml_obj *obj, gfp_t gfp);
	void (*free)(struct ml_obj *obj);
	u64 (*max_bytes)(u64 size, const struct ml_pool *pool);
	u64 (*limit)(void);
	bool may_sleep;
	bool has_pool;
	bool fixed_bytes;
};

extern const struct ml_strategy_ops ml_kmalloc_ops;
extern const struct ml_strategy_ops ml_kzalloc_ops;
extern const struct ml_strategy_ops ml_vmalloc_ops;
extern const struct ml_strategy_ops ml_kvmalloc_ops;
extern const struct ml_strategy_ops ml_kmem_cache_ops;
extern const struct ml_strategy_ops ml_alloc_pages_ops;
extern const struct ml_strategy_ops ml_mempool_ops;
extern const struct ml_strategy_ops ml_percpu_ops;

/* helpers the strategies share (strat_kmalloc.c, strat_vmalloc.c, pool.c) */
void ml_kmalloc_free(struct ml_obj *obj);	/* kzalloc's too */
u64 ml_kmalloc_bytes(u64 size, const struct ml_pool *pool);
u64 ml_kmalloc_limit(void);
u64 ml_cap_limit(void);
u64 ml_pool_elem_size(u64 size, const struct ml_pool *pool);

/* strategy.c */
extern const struct ml_strategy_ops *const ml_strategies[ML_NR_STRATEGIES];
void ml_limits(struct ml_limits *lim);

static inline const struct ml_strategy_ops *ml_ops(enum ml_strategy s)
{
	return ml_strategies[s];
}

/* What obj->bytes_alloc starts as: max_bytes() @per for fixed_bytes, else 0. */
static inline u64 ml_bytes_preset(const struct ml_strategy_ops *ops, u64 per)
{
	return ops->fixed_bytes ? per : 0;
}

/*
 * The small-object strategies' operations, inline: the strategies' alloc()
 * (strat_*.c) are these, and ml_strategy_alloc() below runs them in place.
 */
static __always_inline int ml_kmalloc_alloc_op(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kmalloc(obj->bytes_req, gfp);
	return obj->ptr ? 0 : -ENOMEM;
}

static __always_inline int ml_kzalloc_alloc_op(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kzalloc(obj->bytes_req, gfp);
	return obj->ptr ? 0 : -ENOMEM;
}

static __always_inline int ml_kmem_cache_alloc_op(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kmem_cache_alloc(obj->pool->cache, gfp);
	return obj->ptr ? 0 : -ENOMEM;
}

/* memlab never lets mempool_alloc() wait for an element to come back. */
static __always_inline int ml_mempool_alloc_op(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = mempool_alloc(obj->pool->mempool, gfp & ~__GFP_DIRECT_RECLAIM);
	return obj->ptr ? 0 : -ENOMEM;
}

/*
 * The strategy's alloc() and free(). The small-object strategies (kmalloc,
 * kmem_cache, kzalloc, mempool), whose operation is a single call, are
 * recognised by their token and their operation (the *_op() above, which
 * their alloc() in strat_*.c is too) runs in place: no indirect call, no
 * retpoline, no function of memlab's around the kernel's, and not even a
 * load from the table. The others go through the table (strategy.c).
 * Like the kernel's INDIRECT_CALL_*() (linux/indirect_call_wrapper.h), with
 * the test on the token rather than on the pointer.
 */
static __always_inline int ml_strategy_alloc(struct ml_obj *obj, gfp_t gfp)
{
	enum ml_strategy s = obj->strategy;

	if (likely(s == ML_KMALLOC))
		return ml_kmalloc_alloc_op(obj, gfp);
	if (likely(s == ML_KMEM_CACHE))
		return ml_kmem_cache_alloc_op(obj, gfp);
	if (s == ML_KZALLOC)
		return ml_kzalloc_alloc_op(obj, gfp);
	if (s == ML_MEMPOOL)
		return ml_mempool_alloc_op(obj, gfp);
	return ml_ops(s)->alloc(obj, gfp);
}

static __always_inline void ml_strategy_free(struct ml_obj *obj)
{
	enum ml_strategy s = obj->strategy;

	if (likely(s == ML_KMALLOC || s == ML_KZALLOC))
		kfree(obj->ptr);
	else if (likely(s == ML_KMEM_CACHE))
		kmem_cache_free(obj->pool->cache, obj->ptr);
	else if (s == ML_MEMPOOL)
		mempool_free(obj->ptr, obj->pool->mempool);
	else
		ml_ops(s)->free(obj);
}

/* params (main.c) */
extern unsigned long ml_max_bytes;
extern unsigned int ml_mempool_min;
extern unsigned int ml_demo_order;

/* pool.c */
struct ml_pool *ml_pool_get(enum ml_strategy s, size_t size);
void ml_pool_put(struct ml_pool *pool);
void ml_pools_destroy(void);

/* stats.c: the counters, consistent at every read */
struct ml_counters {
	u64 allocs;
	u64 frees;
	u64 failures;
	u64 bytes_req;
	u64 bytes_alloc;
	u64 peak_bytes_alloc;
};

/*
 * One set of counters and its cap. memlab's own is static in stats.c; the
 * bench keeps a private one, updated by the very same functions.
 */
struct ml_stats {
	seqlock_t lock;
	struct ml_counters s[ML_NR_STRATEGIES];
	u64 total_peak;
	u64 used;		/* sum of bytes_alloc of live allocations */
	u64 reserved;		/* taken by commands under way, not yet folded */
	u64 cap;
};

/*
 * A command's tally, on its stack: what its allocations and frees change,
 * folded into the counters once (ml_stats_fold()), so that the allocation
 * path itself takes no lock. An alloc command, all or nothing, adds its
 * allocations once they all succeeded (ml_tally_allocs()); a free adds
 * each object it frees (ml_obj_free_step()). Byte deltas are signed; peak
 * is the highest bytes_alloc delta the command reached, marked by the
 * command after its allocations (ml_tally_mark_peak()), before it frees.
 * A failed alloc command therefore folds its failure only: what it made
 * and undid was never added.
 */
struct ml_tally_row {
	u64 allocs;
	u64 frees;
	u64 failures;
	s64 bytes_req;
	s64 bytes_alloc;
	s64 peak;
};

struct ml_tally {
	struct ml_tally_row s[ML_NR_STRATEGIES];
	u32 strategies;		/* bit s: the command may touch row s */
};

#define ML_ALL_STRATEGIES	GENMASK(ML_NR_STRATEGIES - 1, 0)

/* An empty tally for a command of the @strategies (a mask of bits). */
static inline void ml_tally_init(struct ml_tally *t, u32 strategies)
{
	memset(t->s, 0, sizeof(t->s));
	t->strategies = strategies;
}

/*
 * @n allocations of @size bytes of strategy @s, which all succeeded,
 * taking @bytes_alloc in all: n times max_bytes() for the fixed_bytes
 * strategies, the sum of the records' bytes_alloc for the others.
 */
static inline void ml_tally_allocs(struct ml_tally *t, enum ml_strategy s, u64 n, u64 size,
				   u64 bytes_alloc)
{
	t->s[s].allocs += n;
	t->s[s].bytes_req += n * size;
	t->s[s].bytes_alloc += bytes_alloc;
}

static inline void ml_tally_mark_peak(struct ml_tally *t)
{
	unsigned long mask = t->strategies;
	unsigned int i;

	for_each_set_bit(i, &mask, ML_NR_STRATEGIES)
		t->s[i].peak = max(t->s[i].peak, t->s[i].bytes_alloc);
}

struct ml_snapshot {
	struct ml_counters s[ML_NR_STRATEGIES];
	struct ml_counters total;
	u64 cap;
	u64 used;
};

void ml_stats_init(u64 cap);
int ml_stats_reserve(u64 bytes);
void ml_stats_unreserve(u64 bytes);
void ml_stats_fold(const struct ml_tally *t, u64 unreserve);
void ml_stats_failure(enum ml_strategy s);
int ml_stats_reset(void);
void ml_stats_snapshot(struct ml_snapshot *snap);
int ml_stats_proc_init(struct proc_dir_entry *dir);
/* the same on a given instance (the bench's private one) */
void ml_stats_init_in(struct ml_stats *st, u64 cap);
int ml_stats_reserve_in(struct ml_stats *st, u64 bytes);
void ml_stats_fold_in(struct ml_stats *st, const struct ml_tally *t, u64 unreserve);

/*
 * latency.c: a histogram of the latency of every allocation, per strategy:
 * power-of-two nanosecond buckets counted per CPU, so recording is one
 * increment. Bucket b counts latencies in [2^b, 2^(b+1)) ns; 0 goes to 0.
 */
#define ML_LAT_BUCKETS	40

struct ml_latency {
	u64 count[ML_NR_STRATEGIES][ML_LAT_BUCKETS];
};

struct ml_latency __percpu *ml_latency_main(void);
void ml_latency_init(bool on);
void ml_latency_reset(void);
const char *ml_latency_clock_name(void);
int ml_latency_debugfs_init(struct dentry *dir);
/* a private histogram, for the bench */
struct ml_latency __percpu *ml_latency_alloc(void);
void ml_latency_free(struct ml_latency __percpu *lat);

static __always_inline void ml_latency_record_to(struct ml_latency __percpu *lat,
						 enum ml_strategy s, u64 ns)
{
	unsigned int b = ns ? ilog2(ns) : 0;

	this_cpu_inc(lat->count[s][min(b, ML_LAT_BUCKETS - 1)]);
}

/*
 * The latency clock (latency.c, ml_latency_init()): where the CPU's cycle
 * counter ticks at a rate the kernel knows and keeps (x86's TSC at tsc_khz,
 * see compat.h), get_cycles(), one rdtsc, converted to ns by a multiply and
 * a shift; elsewhere sched_clock(), which is that counter scaled through
 * per-CPU data. The conversion is done when recording because the
 * histogram's buckets are powers of two in ns, which powers of two in
 * cycles do not map onto.
 */
#define ML_LAT_SHIFT	24
DECLARE_STATIC_KEY_TRUE(ml_lat_on);
DECLARE_STATIC_KEY_FALSE(ml_lat_cycles);
extern u32 ml_lat_mult;

static __always_inline u64 ml_lat_clock(void)
{
	if (static_branch_likely(&ml_lat_cycles))
		return get_cycles();
	return sched_clock();
}

/* A difference of two ml_lat_clock() reads, in ns. */
static __always_inline u64 ml_lat_ns(u64 delta)
{
	if (static_branch_likely(&ml_lat_cycles))
		return mul_u64_u32_shr(delta, ml_lat_mult, ML_LAT_SHIFT);
	return delta;
}

/*
 * The per-allocation steps: what every allocation and free memlab makes
 * runs (track.c), and what the bench's counted path runs (bench.c). No lock,
 * no clocksource read. An allocation is the strategy's operation alone (and
 * its timing): the command counts its allocations once, when they have all
 * succeeded (ml_tally_allocs()), and bytes_alloc is already in the record
 * for the fixed_bytes strategies. A failure is counted where it happens.
 */
static __always_inline int ml_tally_failure(struct ml_tally *t, const struct ml_obj *obj,
					    int err)
{
	if (unlikely(err))
		t->s[obj->strategy].failures++;
	return err;
}

/*
 * One allocation; no latency recorded: memlab's path with latency=0, the
 * bench's nolatency path.
 */
static __always_inline int ml_obj_alloc_step(struct ml_obj *obj, gfp_t gfp,
					     struct ml_tally *t)
{
	return ml_tally_failure(t, obj, ml_strategy_alloc(obj, gfp));
}

/*
 * One allocation, its latency recorded into @lat: memlab's path.
 * The latency clock (ml_lat_clock()) is the CPU's counter, cheap where
 * ktime_get_ns() may read an emulated HPET. It is per CPU and the
 * allocation may sleep and move to another: memlab does not pin it there
 * (migrate_disable() costs more than both reads under emulation); a
 * negative difference counts as 0.
 */
static __always_inline int ml_obj_alloc_timed(struct ml_obj *obj, gfp_t gfp,
					      struct ml_tally *t,
					      struct ml_latency __percpu *lat)
{
	u64 t0, t1;
	int err;

	t0 = ml_lat_clock();
	err = ml_strategy_alloc(obj, gfp);
	t1 = ml_lat_clock();
	ml_latency_record_to(lat, obj->strategy, t1 > t0 ? ml_lat_ns(t1 - t0) : 0);
	return ml_tally_failure(t, obj, err);
}

/*
 * memlab's per-allocation step: timed into @lat unless the latency
 * histogram is off (latency=0, ml_lat_on). A static key: latency=0 takes
 * the untimed step without testing anything at run time.
 */
static __always_inline int ml_obj_alloc(struct ml_obj *obj, gfp_t gfp, struct ml_tally *t,
					struct ml_latency __percpu *lat)
{
	if (static_branch_likely(&ml_lat_on))
		return ml_obj_alloc_timed(obj, gfp, t, lat);
	return ml_obj_alloc_step(obj, gfp, t);
}

/*
 * Give back one allocation's memory, into the command's tally. Tallied
 * before the free: the record's fields are read once, not again after a
 * call that might have changed them as far as the compiler knows.
 */
static __always_inline void ml_obj_free_step(struct ml_obj *obj, struct ml_tally *t)
{
	struct ml_tally_row *r = &t->s[obj->strategy];

	r->frees++;
	r->bytes_req -= obj->bytes_req;
	r->bytes_alloc -= obj->bytes_alloc;
	ml_strategy_free(obj);
	obj->ptr = NULL;
}

/* track.c: the one path every allocation takes */
#define ML_FREE_BATCH		32	/* frees folded at once */
int ml_track_init(void);
void ml_track_exit(void);
/* What tracking one live allocation takes: its record, its xarray share. */
#define ML_TRACK_BYTES	(sizeof(struct ml_obj) + 16)
int ml_track_room(u64 count);
int ml_alloc(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx,
	     struct ml_obj **first);
int ml_free_id(u64 id);
u64 ml_free_strategy(int s);	/* s < 0: all; returns how many */
u64 ml_live(void);
int ml_allocations_debugfs_init(struct dentry *dir);
void ml_reclaim_all(u64 *count, u64 *bytes);

/* control.c */
int ml_control_debugfs_init(struct dentry *dir);
int ml_control_exec(const char *buf, size_t len);

/*
 * bench.c: time a strategy's raw allocate/free against memlab's counted path
 * (the strategy's ops through track.c's per-allocation steps, and
 * stats.c's fold, on private instances), see docs/bench.md.
 * It runs in the writer's context; ml_bench_stop() stops and waits for it.
 */
int ml_bench_run(const struct ml_cmd *cmd);
int ml_bench_debugfs_init(struct dentry *dir);
void ml_bench_stop(void);

/* demo.c */
void ml_demo_run(void);

#endif /* MEMLAB_H */
