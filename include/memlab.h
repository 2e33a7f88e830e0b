/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memlab's internal interfaces: the strategy table, the tracked allocation
 * path, the counters, the per-size pools and the user-visible files.
 */
#ifndef MEMLAB_H
#define MEMLAB_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/refcount.h>

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
	u64 t_ns;			/* ktime_get_ns() when allocated */
	u32 id;
	u8 strategy;
	u8 context;
};

/*
 * One strategy. alloc() sets obj->ptr and obj->bytes_alloc or returns an
 * errno; it runs in atomic context when gfp says so. max_bytes() is the
 * bytes_alloc an allocation of @size can take at most, known before
 * allocating (for the cap); @pool is the per-size pool of the strategies
 * that have one (has_pool), NULL for the others.
 */
struct ml_strategy_ops {
	int (*alloc)(struct ml_obj *obj, gfp_t gfp);
	void (*free)(struct ml_obj *obj);
	u64 (*max_bytes)(u64 size, const struct ml_pool *pool);
	u64 (*limit)(void);
	bool may_sleep;
	bool has_pool;
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
u64 ml_kmalloc_bytes(u64 size, const struct ml_pool *pool);
u64 ml_kmalloc_limit(void);
u64 ml_cap_limit(void);
u64 ml_pool_elem_size(u64 size, const struct ml_pool *pool);

/* strategy.c */
const struct ml_strategy_ops *ml_ops(enum ml_strategy s);
void ml_limits(struct ml_limits *lim);

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

struct ml_snapshot {
	struct ml_counters s[ML_NR_STRATEGIES];
	struct ml_counters total;
	u64 cap;
	u64 used;
};

void ml_stats_init(u64 cap);
int ml_stats_reserve(u64 bytes);
void ml_stats_unreserve(u64 bytes);
void ml_stats_alloc(enum ml_strategy s, u64 req, u64 alloc, u64 reserved);
void ml_stats_free(enum ml_strategy s, u64 req, u64 alloc);
void ml_stats_failure(enum ml_strategy s);
int ml_stats_reset(void);
void ml_stats_snapshot(struct ml_snapshot *snap);
int ml_stats_proc_init(struct proc_dir_entry *dir);

/* latency.c: a histogram of the latency of every allocation */
void ml_latency_record(enum ml_strategy s, u64 ns);
void ml_latency_reset(void);
int ml_latency_debugfs_init(struct dentry *dir);

/* track.c: the one path every allocation takes */
int ml_track_init(void);
void ml_track_exit(void);
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
 * (the strategy's ops plus the counting of track.c), see docs/bench.md.
 * It runs in the writer's context; ml_bench_stop() stops and waits for it.
 */
int ml_bench_run(const struct ml_cmd *cmd);
int ml_bench_debugfs_init(struct dentry *dir);
void ml_bench_stop(void);

/* latency.c, for the bench: a private histogram that the counted path fills */
struct ml_latency;
struct ml_latency __percpu *ml_latency_alloc(void);
void ml_latency_free(struct ml_latency __percpu *lat);
void ml_latency_record_to(struct ml_latency __percpu *lat, enum ml_strategy s, u64 ns);

/* demo.c */
void ml_demo_run(void);

#endif /* MEMLAB_H */
