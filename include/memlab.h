/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memlab's internal interfaces, declarations only. src/main.c's header
 * comment maps the files and the path of a command through them.
 */
#ifndef MEMLAB_H
#define MEMLAB_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/mempool.h>

#include "memlab_parse.h"

#define MEMLAB_VERSION		"1.0.0"

struct dentry;
struct proc_dir_entry;
struct kmem_cache;
struct page;

/* Where an allocation was made, as the allocations file shows it. */
enum ml_context {
	ML_CTX_INIT,		/* the load-time demonstration */
	ML_CTX_PROCESS,		/* a control command, may sleep */
	ML_CTX_ATOMIC,		/* a control command, under a spinlock */
	ML_CTX_NOWAIT,		/* a control command, GFP_NOWAIT: no direct reclaim */
	ML_CTX_BENCH,		/* the bench's tracked path, freed at once */
	ML_CTX_LEAKED,		/* "leak": kept where kmemleak cannot see it */
};

/*
 * A per-size pool: memlab's own kmem_cache "memlab-<size>" for one object
 * size, or its mempool "mempool-<elem_size>" for one element size (every
 * request size that rounds to it). Shared by the live allocations it
 * serves (each holds a reference, and so does a command under way),
 * destroyed with the last of them.
 */
struct ml_pool {
	struct list_head node;
	refcount_t ref;
	enum ml_strategy strategy;
	size_t size;			/* the object size it serves */
	size_t elem_size;		/* what one object really takes */
	u64 obj_cost;			/* what the kernel hands out for one */
	u64 overhead;			/* in overhead_bytes: the reserve now */
	spinlock_t lock;		/* a mempool's reserve, and @overhead */
	atomic_t live;			/* its live allocations */
	atomic_t deferred;		/* puts the shrinker left to a worker */
	struct kmem_cache *cache;
	mempool_t *mempool;
	char name[32];
};

/* One live allocation, and its record in track.c's index. */
struct ml_obj {
	union {				/* what the strategy's alloc() returned */
		void *ptr;
		struct page *page;	/* alloc_pages */
		void __percpu *pcpu;	/* percpu */
		unsigned long masked;	/* ML_CTX_LEAKED: ptr ^ a per-load key */
	};
	struct ml_pool *pool;		/* has_pool strategies, else NULL */
	struct ml_obj *next;		/* a command's records, until published */
	struct list_head lru;		/* reclaimable ones, oldest first */
	u64 bytes_req;
	u64 bytes_alloc;
	u64 overhead;			/* the kernel handed out this much more */
	u64 t_ns;			/* latency, then when published (coarse) */
	u32 id;
	u8 strategy;
	u8 context;
	bool reclaimable;
};

/**
 * struct ml_strategy_ops - everything about one allocation strategy
 * @name: its token, as in the stats rows and the commands
 * @limit: the largest request it takes, in bytes; the parser refuses
 *	larger ones with E2BIG
 * @may_sleep: it may sleep, so "atomic" is refused
 * @leak_seen: kmemleak tracks its objects and reports them when nothing
 *	refers to them, so "leak" is allowed
 * @nowait_refused: the running kernel's allocator cannot serve it without
 *	sleeping (vmalloc up to 6.19, see compat.h), so "nowait" is refused
 * @accounted: with __GFP_ACCOUNT the kernel charges all of it to the
 *	caller's memory cgroup, so "account" is allowed
 * @has_pool: its allocations come from a per-size &struct ml_pool
 * @bytes: the bytes_alloc that an allocation of @size takes at most;
 *	@pool is the size's pool for the has_pool strategies, else NULL
 * @cost: if not NULL, what the kernel may hand out for an allocation of
 *	@size at most, known before allocating (what the cap reserves):
 *	@bytes and all the kernel adds for it (a slab of its own, an area
 *	rounded to huge pages, a page array); NULL when that is @bytes
 * @alloc: allocate @obj->bytes_req bytes with @gfp into @obj and set
 *	@obj->bytes_alloc, and @obj->overhead to what the kernel handed out
 *	beyond it; 0 or -ENOMEM. Runs in atomic context when @gfp says so.
 * @free: give back what @alloc took; returns the bytes of it that memlab
 *	still pins, as overhead (a mempool element back in the reserve)
 *
 * Each lives in src/strat_<name>.c; src/strategy.c holds the table, and
 * every allocation and free memlab makes goes through it.
 */
struct ml_strategy_ops {
	const char *name;
	u64 (*limit)(void);
	bool may_sleep;
	bool leak_seen;
	bool nowait_refused;
	bool accounted;
	bool has_pool;
	u64 (*bytes)(u64 size, const struct ml_pool *pool);
	u64 (*cost)(u64 size, const struct ml_pool *pool);
	int (*alloc)(struct ml_obj *obj, gfp_t gfp);
	u64 (*free)(struct ml_obj *obj);
};

extern const struct ml_strategy_ops ml_kmalloc_ops;
extern const struct ml_strategy_ops ml_kzalloc_ops;
extern const struct ml_strategy_ops ml_vmalloc_ops;
extern const struct ml_strategy_ops ml_kvmalloc_ops;
extern const struct ml_strategy_ops ml_kmem_cache_ops;
extern const struct ml_strategy_ops ml_alloc_pages_ops;
extern const struct ml_strategy_ops ml_mempool_ops;
extern const struct ml_strategy_ops ml_percpu_ops;

/* strategy.c */
const struct ml_strategy_ops *ml_ops(enum ml_strategy s);
const char *ml_strategy_name(enum ml_strategy s);
u64 ml_strategy_cost(enum ml_strategy s, u64 size, const struct ml_pool *pool);
void ml_parse_table_fill(struct ml_parse_table *t);

/* strat_kmalloc.c: shared by kzalloc, kvmalloc and the mempool */
u64 ml_kmalloc_free(struct ml_obj *obj);
u64 ml_kmalloc_bytes(u64 size, const struct ml_pool *pool);
u64 ml_kmalloc_limit(void);
/* strat_kmem_cache.c: shared by the mempool */
u64 ml_pool_bytes(u64 size, const struct ml_pool *pool);
u64 ml_pool_cost(u64 size, const struct ml_pool *pool);
/* strat_vmalloc.c: shared by kvmalloc and the bench */
u64 ml_vmalloc_cost(u64 size, bool huge);
u64 ml_vmalloc_overhead(const void *addr, u64 size);

/* main.c: the module parameters, fixed once loaded */
extern unsigned long ml_max_bytes;
extern unsigned int ml_mempool_min;
extern unsigned int ml_demo_order;
extern bool ml_icount;

/* pool.c */
int ml_pools_init(void);
struct ml_pool *ml_pool_get(enum ml_strategy s, size_t size, const char **why);
void ml_pool_put(struct ml_pool *pool);
void ml_pool_put_deferred(struct ml_pool *pool);
void *ml_pool_mempool_alloc(struct ml_pool *pool, gfp_t gfp);
u64 ml_pool_mempool_free(struct ml_pool *pool, void *elem);
void ml_pools_destroy(void);
int ml_pools_debugfs_init(struct dentry *dir);

/* stats.c: the counters of /proc/memlab/stats and the cap */
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
	u64 overhead;
	u64 reserved;
};

void ml_stats_init(u64 cap);
int ml_stats_reserve(u64 bytes);
void ml_stats_unreserve(u64 bytes);
void ml_stats_charge(enum ml_strategy s, u64 n, u64 bytes_req, u64 bytes_alloc,
		     u64 overhead, u64 reserved);
void ml_stats_uncharge(enum ml_strategy s, u64 n, u64 bytes_req, u64 bytes_alloc,
		       u64 overhead, u64 pinned);
void ml_stats_failure(enum ml_strategy s);
void ml_stats_reclaim(s64 live, u64 reclaimed);
void ml_stats_reclaim_counts(u64 *live, u64 *reclaimed);
int ml_stats_reset(void);
void ml_stats_snapshot(struct ml_snapshot *snap);
int ml_stats_proc_init(struct proc_dir_entry *dir);

/* latency.c: the histogram behind debugfs "latency" */
int ml_latency_init(void);
void ml_latency_exit(void);
void ml_latency_record(enum ml_strategy s, u64 ns);
void ml_latency_reset(void);
int ml_latency_debugfs_init(struct dentry *dir);

/* track.c: the one path every allocation and free takes */
int ml_track_init(void);
void ml_track_exit(void);
u64 ml_track_bytes(void);
/* ml_alloc()'s options, beside the context */
#define ML_ALLOC_RECLAIMABLE	BIT(0)	/* the shrinker may free them */
#define ML_ALLOC_ACCOUNT	BIT(1)	/* __GFP_ACCOUNT: charged to the caller's cgroup */
int ml_alloc(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx,
	     unsigned int opts, u32 *first_id, const char **why);
struct ml_obj *ml_obj_lookup(u32 id);
void *ml_obj_mem(const struct ml_obj *obj);
bool ml_inspect_next(unsigned long *index,
		     void (*fill)(const struct ml_obj *obj, void *arg),
		     void (*walk)(const struct ml_obj *obj, void *arg), void *arg);

struct seq_file;

/**
 * struct ml_inspect_ops - a debugfs file of one row per live allocation
 * @header: its first line, '#' and the column names, with the newline
 * @row_size: the bytes of one row, as @fill and @walk make it
 * @fill: make the row from the record, under the index's lock: no sleeping
 * @walk: if not NULL, complete the row outside the lock, the record pinned
 *	(cannot be freed meanwhile); may sleep
 * @show: print the row of the allocation with that id
 */
struct ml_inspect_ops {
	const char *header;
	size_t row_size;
	void (*fill)(const struct ml_obj *obj, void *row);
	void (*walk)(const struct ml_obj *obj, void *row);
	void (*show)(struct seq_file *m, u32 id, const void *row);
};

void ml_inspect_debugfs_create(const char *name, struct dentry *dir,
			       const struct ml_inspect_ops *ops);
int ml_free_id(u64 id);
u64 ml_free_strategy(int s, u64 every, u64 *bytes);
unsigned long ml_reclaim(unsigned long nr);
int ml_allocations_debugfs_init(struct dentry *dir);
struct xarray *ml_track_index(void);

/* index.c */
int ml_index_debugfs_init(struct dentry *dir);

/* pagetable.c */
int ml_pagetable_debugfs_init(struct dentry *dir);
unsigned long ml_phys_runs(const void *addr, unsigned long pages);

/* shrinker.c */
int ml_shrinker_init(void);
void ml_shrinker_exit(void);

/* control.c */
/* Why a command failed, as control's dmesg line says it: each text once. */
#define ML_WHY_CAP		"would take used_bytes + overhead_bytes over cap_bytes"
#define ML_WHY_ALLOCATOR	"the kernel's allocator said no"
#define ML_WHY_INTR		"interrupted"
int ml_control_debugfs_init(struct dentry *dir);
int ml_control_exec(const char *buf, size_t len);

/* bench.c */
int ml_bench_run(const struct ml_cmd *cmd, const char **why);
int ml_bench_debugfs_init(struct dentry *dir);
void ml_bench_stop(void);

/* demo.c */
void ml_demo_run(void);

#endif /* MEMLAB_H */
