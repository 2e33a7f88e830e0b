// SPDX-License-Identifier: GPL-2.0
/*
 * The one path every allocation memlab makes takes, at load or later: each
 * live allocation has a record (struct ml_obj) in an xarray under its id, so
 * the counters stay exact and unload finds and frees everything.
 *
 * An alloc command is all or nothing, in three phases:
 *  1. reserve the cap, take the pool, make the records and reserve their ids
 *     (process context, may sleep);
 *  2. allocate, under a spinlock with GFP_ATOMIC for "atomic";
 *  3. count the allocations in the command's tally, fold it into the
 *     counters, then publish the records in the reserved slots (cannot
 *     fail).
 * A failure in 1 or 2 undoes everything the command made.
 *
 * The per-allocation step (ml_obj_alloc(), memlab.h) takes no lock and
 * reads no clocksource: the allocation (called directly, not through a
 * retpoline, for the small-object strategies), timed with the CPU's cycle
 * counter for the latency histogram (unless latency=0). Counting is per
 * command: the command's allocations, all made or none, are added to its
 * tally at once in phase 3; bytes_alloc, when it is the same for every
 * allocation of the command, is worked out once, in phase 1. A free adds
 * what it frees to its command's tally. The counters see the tally once
 * per command (ml_stats_fold()), frees once per batch of ML_FREE_BATCH.
 * The bench's counted path runs the same steps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/overflow.h>
#include <linux/mm.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>

#include "memlab.h"

/* Allocations made in one go under the atomic-context spinlock. */
#define ML_ATOMIC_BATCH		64
#define ML_RESCHED_EVERY	1024

static DEFINE_XARRAY_ALLOC1(ml_objs);
static u32 ml_next_id;
static struct kmem_cache *ml_obj_cache;
static DEFINE_SPINLOCK(ml_atomic_lock);

static const char *const ml_context_names[] = {
	[ML_CTX_INIT]		= "init",
	[ML_CTX_PROCESS]	= "process",
	[ML_CTX_ATOMIC]		= "atomic",
};

/*
 * Phase 2 for up to ML_ATOMIC_BATCH records from *@pos; advances *@pos.
 * Never inlined: the per-allocation step runs the small-object strategies'
 * operations in place, so this is the call site the kmem tracepoints show
 * for memlab's kmalloc, kzalloc and kmem_cache allocations (ml_chain_batch).
 */
static noinline int ml_chain_batch(struct ml_obj **pos, gfp_t gfp, struct ml_tally *t,
				   struct ml_latency __percpu *lat)
{
	unsigned int n;
	int err;

	for (n = 0; *pos && n < ML_ATOMIC_BATCH; n++, *pos = (*pos)->next) {
		err = ml_obj_alloc(*pos, gfp, t, lat);
		if (err)
			return err;
	}
	return 0;
}

/* Phase 2 for a chain of records; stops at the first failure. */
static int ml_chain_allocate(struct ml_obj *head, enum ml_context ctx, struct ml_tally *t)
{
	struct ml_latency __percpu *lat = ml_latency_main();
	struct ml_obj *pos = head;
	int err = 0;

	while (pos && !err) {
		if (signal_pending(current))
			return -EINTR;
		if (ctx == ML_CTX_ATOMIC) {
			spin_lock(&ml_atomic_lock);
			err = ml_chain_batch(&pos, GFP_ATOMIC | __GFP_NOWARN, t, lat);
			spin_unlock(&ml_atomic_lock);
		} else {
			err = ml_chain_batch(&pos, GFP_KERNEL | __GFP_NOWARN, t, lat);
		}
		cond_resched();
	}
	return err;
}

/*
 * Undo phases 1 and 2 for a chain: free what was allocated, drop the
 * records. Nothing is tallied: a failed command counts only its failures.
 */
static void ml_chain_undo(struct ml_obj *head)
{
	struct ml_obj *obj, *next;
	unsigned int n = 0;

	for (obj = head; obj; obj = next) {
		next = obj->next;
		if (obj->ptr)
			ml_strategy_free(obj);
		xa_erase(&ml_objs, obj->id);
		kmem_cache_free(ml_obj_cache, obj);
		if (++n % ML_RESCHED_EVERY == 0)
			cond_resched();
	}
}

/*
 * Phase 1: @count records with reserved ids, chained from *@head, with
 * bytes_alloc @bytes_alloc (set here for the fixed_bytes strategies, by
 * alloc() for the others).
 */
static int ml_chain_make(enum ml_strategy s, u64 size, u64 count,
			 enum ml_context ctx, struct ml_pool *pool, u64 bytes_alloc,
			 struct ml_obj **head)
{
	struct ml_obj *obj, **tail = head;
	u64 i;
	int err;

	*head = NULL;
	for (i = 0; i < count; i++) {
		obj = kmem_cache_zalloc(ml_obj_cache, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		obj->strategy = s;
		obj->context = ctx;
		obj->bytes_req = size;
		obj->bytes_alloc = bytes_alloc;
		obj->pool = pool;
		/* A NULL entry reserves the id: lookups and walks skip it. */
		err = xa_alloc_cyclic(&ml_objs, &obj->id, NULL, xa_limit_32b,
				      &ml_next_id, GFP_KERNEL);
		if (err < 0) {
			kmem_cache_free(ml_obj_cache, obj);
			return err;
		}
		*tail = obj;
		tail = &obj->next;
		if (i % ML_RESCHED_EVERY == ML_RESCHED_EVERY - 1) {
			if (signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	return 0;
}

/*
 * Whether @count more allocations can be tracked. A live allocation's record
 * and its share of the xarray (ML_TRACK_BYTES) are not under the cap: a
 * count whose records alone would take more than half of the memory
 * available now is refused up front (-ENOMEM), before anything is made.
 */
int ml_track_room(u64 count)
{
	u64 avail = (u64)si_mem_available() << PAGE_SHIFT;

	return count > div64_u64(avail / 2, ML_TRACK_BYTES) ? -ENOMEM : 0;
}

/* The bytes_alloc of a chain's records, for the strategies not fixed_bytes. */
static u64 ml_chain_bytes_alloc(const struct ml_obj *head)
{
	const struct ml_obj *obj;
	u64 bytes = 0;

	for (obj = head; obj; obj = obj->next)
		bytes += obj->bytes_alloc;
	return bytes;
}

/* Phase 3: each record takes a reference on the pool, is stamped and stored. */
static void ml_chain_publish(struct ml_obj *head)
{
	u64 now = ktime_get_coarse_ns();
	struct ml_obj *obj;
	unsigned int n = 0;

	for (obj = head; obj; obj = obj->next) {
		if (obj->pool)
			refcount_inc(&obj->pool->ref);
		obj->t_ns = now;
		/* The slot is reserved: storing into it cannot fail. */
		xa_store(&ml_objs, obj->id, obj, GFP_KERNEL);
		if (++n % ML_RESCHED_EVERY == 0)
			cond_resched();
	}
}

/*
 * Make @count allocations of @size bytes with strategy @s, all or none.
 * On success *@first (if not NULL) is the first record, valid until freed.
 */
int ml_alloc(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx,
	     struct ml_obj **first)
{
	const struct ml_strategy_ops *ops = ml_ops(s);
	struct ml_tally tally;
	struct ml_pool *pool = NULL;
	struct ml_obj *head;
	u64 per, need;
	int err;

	if (ops->has_pool) {
		pool = ml_pool_get(s, size);
		if (IS_ERR(pool)) {
			ml_stats_failure(s);
			return PTR_ERR(pool);
		}
	}
	per = ops->max_bytes(size, pool);
	if (check_mul_overflow(per, count, &need)) {
		err = -ENOSPC;
		goto out_put_pool;
	}
	err = ml_stats_reserve(need);
	if (err)
		goto out_put_pool;

	ml_tally_init(&tally, BIT(s));
	err = ml_chain_make(s, size, count, ctx, pool, ml_bytes_preset(ops, per), &head);
	if (err)
		goto err_undo;
	err = ml_chain_allocate(head, ctx, &tally);
	if (err)
		goto err_undo;
	ml_tally_allocs(&tally, s, count, size,
			ops->fixed_bytes ? need : ml_chain_bytes_alloc(head));
	/* What the command holds now is its peak. */
	ml_tally_mark_peak(&tally);

	/* Counted before they show in the allocations file, so never freed first. */
	ml_stats_fold(&tally, need);
	ml_chain_publish(head);
	if (first)
		*first = head;
	goto out_put_pool;

err_undo:
	ml_chain_undo(head);
	/*
	 * A failed command changes nothing but failures (the contract): its
	 * allocations were never added to the tally, only its failure.
	 */
	ml_stats_fold(&tally, need);
out_put_pool:
	if (pool)
		ml_pool_put(pool);
	return err;
}

/* Free one record taken out of the xarray, into the tally. */
static void ml_obj_free(struct ml_obj *obj, struct ml_tally *t)
{
	struct ml_pool *pool = obj->pool;

	ml_obj_free_step(obj, t);
	kmem_cache_free(ml_obj_cache, obj);
	if (pool)
		ml_pool_put(pool);
}

int ml_free_id(u64 id)
{
	struct ml_tally tally;
	struct ml_obj *obj;

	if (id == 0 || id > U32_MAX)
		return -ENOENT;
	obj = xa_erase(&ml_objs, id);
	if (!obj)
		return -ENOENT;
	ml_tally_init(&tally, BIT(obj->strategy));
	ml_obj_free(obj, &tally);
	ml_stats_fold(&tally, 0);
	return 0;
}

/*
 * Free every live allocation of strategy @s (all of them when @s < 0) and
 * say how many, and how many bytes_alloc, went. Records are taken out under
 * the xarray's lock, a batch at a time, freed outside it, and each batch is
 * folded into the counters at once.
 */
static u64 ml_free_matching(int s, u64 *bytes)
{
	struct ml_obj *batch[ML_FREE_BATCH];
	unsigned long index = 0;
	struct ml_tally tally;
	struct ml_obj *obj;
	unsigned int n, i;
	u64 freed = 0;

	do {
		n = 0;
		xa_lock(&ml_objs);
		xa_for_each_start(&ml_objs, index, obj, index) {
			if (s >= 0 && obj->strategy != s)
				continue;
			__xa_erase(&ml_objs, index);
			batch[n++] = obj;
			if (n == ML_FREE_BATCH)
				break;
		}
		xa_unlock(&ml_objs);
		ml_tally_init(&tally, s >= 0 ? BIT(s) : ML_ALL_STRATEGIES);
		for (i = 0; i < n; i++) {
			if (bytes)
				*bytes += batch[i]->bytes_alloc;
			ml_obj_free(batch[i], &tally);
		}
		if (n)
			ml_stats_fold(&tally, 0);
		freed += n;
		cond_resched();
	} while (n == ML_FREE_BATCH);
	return freed;
}

u64 ml_free_strategy(int s)
{
	return ml_free_matching(s, NULL);
}

void ml_reclaim_all(u64 *count, u64 *bytes)
{
	*bytes = 0;
	*count = ml_free_matching(-1, bytes);
}

/* debugfs "allocations": one line per live allocation, streamed. */
static void *ml_allocations_start(struct seq_file *m, loff_t *pos)
	__acquires(&ml_objs.xa_lock)
{
	unsigned long index = *pos;

	xa_lock(&ml_objs);
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return xa_find(&ml_objs, &index, ULONG_MAX, XA_PRESENT);
}

static void *ml_allocations_next(struct seq_file *m, void *v, loff_t *pos)
{
	unsigned long index = v == SEQ_START_TOKEN ? 1 : ((struct ml_obj *)v)->id + 1UL;

	/* The position is the lowest id still to show: a restart resumes there. */
	*pos = index;
	return xa_find(&ml_objs, &index, ULONG_MAX, XA_PRESENT);
}

static void ml_allocations_stop(struct seq_file *m, void *v)
	__releases(&ml_objs.xa_lock)
{
	xa_unlock(&ml_objs);
}

static int ml_allocations_show(struct seq_file *m, void *v)
{
	struct ml_obj *obj = v;
	u64 age_ms;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# id strategy bytes_req bytes_alloc context age_ms\n");
		return 0;
	}
	/* A coarse clock: one timer tick of resolution, no clocksource read. */
	age_ms = div_u64(ktime_get_coarse_ns() - obj->t_ns, NSEC_PER_MSEC);
	seq_printf(m, "%u %s %llu %llu %s %llu\n", obj->id, ml_strategy_name(obj->strategy),
		   obj->bytes_req, obj->bytes_alloc, ml_context_names[obj->context], age_ms);
	return 0;
}

static const struct seq_operations ml_allocations_sops = {
	.start = ml_allocations_start,
	.next = ml_allocations_next,
	.stop = ml_allocations_stop,
	.show = ml_allocations_show,
};

static int ml_allocations_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &ml_allocations_sops);
}

static const struct file_operations ml_allocations_fops = {
	.owner = THIS_MODULE,
	.open = ml_allocations_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

int ml_allocations_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("allocations", 0400, dir, NULL, &ml_allocations_fops);
	return 0;
}

int ml_track_init(void)
{
	ml_obj_cache = KMEM_CACHE(ml_obj, 0);
	if (!ml_obj_cache)
		return -ENOMEM;
	return 0;
}

/* After ml_reclaim_all(): the xarray is empty, the records are gone. */
void ml_track_exit(void)
{
	WARN_ON(!xa_empty(&ml_objs));
	xa_destroy(&ml_objs);
	kmem_cache_destroy(ml_obj_cache);
}
