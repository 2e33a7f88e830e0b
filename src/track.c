// SPDX-License-Identifier: GPL-2.0
/*
 * The one path every allocation memlab makes takes, at load or later: each
 * live allocation has a record (struct ml_obj) in an xarray under its id, so
 * the counters stay exact and unload finds and frees everything.
 *
 * An alloc command is all or nothing:
 *  1. take the pool (has_pool strategies) and reserve, under the cap, what
 *     the allocations and their records may take;
 *  2. make the records and reserve their ids (a reserved id reads as empty:
 *     no lookup or walk sees it, and "free <id>" cannot take it);
 *  3. allocate, each timed; "atomic" allocates under a spinlock with
 *     GFP_ATOMIC, a batch at a time, "nowait" with GFP_NOWAIT, the others
 *     with GFP_KERNEL; "account" adds __GFP_ACCOUNT;
 *  4. charge the counters, then publish the records in their reserved slots
 *     and their latencies in the histogram.
 * A failure in 2 or 3 undoes everything the command made and gives back
 * its reservation: only "failures" counts it, the histogram has no sample
 * of it.
 *
 * A record leaves the xarray under its lock, once: whoever erases it frees
 * it. Reclaimable records are also on an LRU list, oldest first, which is
 * changed only under the xarray's lock too (ml_lru_lock nests inside it), so
 * a record is on the list exactly while it is in the xarray; the shrinker
 * (shrinker.c) takes them from there (ml_reclaim()).
 *
 * A "leak" record keeps its pointer masked with a per-load key whose top
 * bit is set, so that the value it holds is no kernel address: kmemleak,
 * scanning memlab's records, finds no reference to the object and reports
 * it. memlab still frees it (ml_obj_mem() unmasks).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/spinlock.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/overflow.h>
#include <linux/math64.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/wait.h>

#include "memlab.h"

#define CREATE_TRACE_POINTS
#include "memlab_trace.h"

/*
 * Allocations made in one go under the atomic-context spinlock: at most
 * this many, and no more once they hold this many bytes (init_on_alloc
 * zeroes each one with preemption off: 64 of 4 MiB would be 256 MiB).
 */
#define ML_ATOMIC_BATCH		64
#define ML_ATOMIC_BATCH_BYTES	SZ_256K
/* Records made or undone between two resched points. */
#define ML_RESCHED_EVERY	1024
/* Records freed, and entries walked, per hold of the xarray's lock. */
#define ML_FREE_BATCH		32
#define ML_SCAN_BATCH		1024

static DEFINE_XARRAY_ALLOC1(ml_objs);
static struct kmem_cache *ml_obj_cache;
static DEFINE_SPINLOCK(ml_atomic_lock);
static LIST_HEAD(ml_lru);
static DEFINE_SPINLOCK(ml_lru_lock);
static unsigned long ml_leak_key;
/*
 * Records that an inspection looks at outside the xarray's lock (the
 * pagetable file's walk), each pinned by one reader: a record is pinned
 * only while it is in the xarray, and whoever takes it out waits for its
 * pins to go before freeing it (ml_obj_wait_unpinned()). Under the lock.
 */
struct ml_pin {
	struct list_head node;
	const struct ml_obj *obj;
};

static LIST_HEAD(ml_pins);
static unsigned int ml_npins;
static DECLARE_WAIT_QUEUE_HEAD(ml_pin_wait);

static const char *const ml_context_names[] = {
	[ML_CTX_INIT]		= "init",
	[ML_CTX_PROCESS]	= "process",
	[ML_CTX_ATOMIC]		= "atomic",
	[ML_CTX_NOWAIT]		= "nowait",
	[ML_CTX_BENCH]		= "bench",
	[ML_CTX_LEAKED]		= "leaked",
};

/**
 * ml_track_bytes() - what tracking one live allocation pins
 *
 * Its record, and its share of the xarray: a node of XA_CHUNK_SIZE slots
 * serves that many ids.
 */
u64 ml_track_bytes(void)
{
	return kmem_cache_size(ml_obj_cache) +
	       DIV_ROUND_UP(sizeof(struct xa_node), XA_CHUNK_SIZE);
}

/**
 * ml_obj_mem() - the address a record's allocation is at
 * @obj: a record
 *
 * Return: obj->ptr, unmasked for a leaked one (for alloc_pages the struct
 * page, for percpu the per-CPU pointer, as the union has them).
 */
void *ml_obj_mem(const struct ml_obj *obj)
{
	if (obj->context == ML_CTX_LEAKED)
		return (void *)(obj->masked ^ ml_leak_key);
	return obj->ptr;
}

/* Phase 2: @count records with reserved ids, chained from *@head. */
static int ml_chain_make(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx,
			 bool reclaimable, struct ml_pool *pool, struct ml_obj **head)
{
	struct ml_obj *obj, **tail = head;
	u64 i;
	int err;

	for (i = 0; i < count; i++) {
		obj = kmem_cache_zalloc(ml_obj_cache, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		obj->strategy = s;
		obj->context = ctx;
		obj->bytes_req = size;
		obj->pool = pool;
		obj->reclaimable = reclaimable;
		INIT_LIST_HEAD(&obj->lru);
		/*
		 * A NULL entry reserves the id: the lowest free one, so that
		 * the ids stay dense and each of the xarray's 64-slot nodes
		 * serves up to 64 live records (ids that only grew left one
		 * survivor per node holding a whole node).
		 */
		err = xa_alloc(&ml_objs, &obj->id, NULL, xa_limit_32b, GFP_KERNEL);
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

/* What a command's allocations took: bytes_alloc, and what the kernel added. */
struct ml_made {
	u64 bytes_alloc;
	u64 overhead;
};

/*
 * Phase 3 for up to ML_ATOMIC_BATCH records from *@pos, or until they hold
 * ML_ATOMIC_BATCH_BYTES; advances *@pos.
 */
static int ml_chain_batch(const struct ml_strategy_ops *st, struct ml_obj **pos, gfp_t gfp,
			  struct ml_made *made)
{
	struct ml_obj *obj;
	u64 t0, t1, bytes = 0;
	unsigned int n;
	int err;

	for (n = 0; *pos && n < ML_ATOMIC_BATCH && bytes < ML_ATOMIC_BATCH_BYTES;
	     n++, *pos = obj->next) {
		obj = *pos;
		t0 = sched_clock();
		err = st->alloc(obj, gfp);
		t1 = sched_clock();
		if (err)
			return err;
		/*
		 * Held in the record until it is published, so that a command
		 * that fails leaves no sample. sched_clock() is per CPU; an
		 * allocation may move.
		 */
		obj->t_ns = t1 > t0 ? t1 - t0 : 0;
		made->bytes_alloc += obj->bytes_alloc;
		made->overhead += obj->overhead;
		bytes += obj->bytes_alloc;
	}
	return 0;
}

/*
 * Once per load, the first "atomic" batch says what context it runs in, as
 * the kernel sees it from inside the spinlock. On PREEMPT_RT spin_lock() is
 * a sleeping lock (an rt_mutex): the count stays 0 and the code under it can
 * be preempted; only raw spinlocks and disabled interrupts are atomic there,
 * and under those RT allows no allocation at all.
 */
static bool ml_atomic_told;

static void ml_atomic_tell(unsigned int count, bool irqs_off)
{
	const char *irqs = irqs_off ? "off" : "on";

	ml_atomic_told = true;
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		pr_info("atomic: allocating with GFP_ATOMIC under a spinlock: preempt_count 0x%x, interrupts %s: PREEMPT_RT: spin_lock() is a sleeping lock here, so this context is preemptible, not atomic; RT allows no allocation, GFP_ATOMIC included, under a raw spinlock or with interrupts off\n",
			count, irqs);
	else if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		pr_info("atomic: allocating with GFP_ATOMIC under a spinlock: preempt_count 0x%x, interrupts %s: this kernel keeps no preempt count (no CONFIG_PREEMPT_COUNT); the spinlock still makes the context atomic: nothing under it may sleep\n",
			count, irqs);
	else
		pr_info("atomic: allocating with GFP_ATOMIC under a spinlock: preempt_count 0x%x, interrupts %s: atomic context: nothing under the spinlock may sleep\n",
			count, irqs);
}

/*
 * Phase 3: allocate for every record; stops at the first failure. @account
 * is 0 or __GFP_ACCOUNT, added to the context's gfp.
 */
static int ml_chain_allocate(struct ml_obj *head, enum ml_context ctx, gfp_t account,
			     struct ml_made *made)
{
	const struct ml_strategy_ops *st = ml_ops(head->strategy);
	struct ml_obj *pos = head;
	gfp_t gfp = GFP_KERNEL;
	int err = 0;

	if (ctx == ML_CTX_ATOMIC)
		gfp = GFP_ATOMIC;
	else if (ctx == ML_CTX_NOWAIT)
		gfp = GFP_NOWAIT;
	gfp |= __GFP_NOWARN | account;
	while (pos && !err) {
		if (signal_pending(current))
			return -EINTR;
		if (ctx == ML_CTX_ATOMIC) {
			spin_lock(&ml_atomic_lock);
			if (!ml_atomic_told)
				ml_atomic_tell(preempt_count(), irqs_disabled());
			err = ml_chain_batch(st, &pos, gfp, made);
			spin_unlock(&ml_atomic_lock);
		} else {
			err = ml_chain_batch(st, &pos, gfp, made);
		}
		cond_resched();
	}
	return err;
}

/*
 * Undo phases 2 and 3: free what was allocated, drop the records and ids.
 * Return: the bytes of it that memlab still pins (mempool elements back in
 * the reserve).
 */
static u64 ml_chain_undo(struct ml_obj *head)
{
	struct ml_obj *obj, *next;
	unsigned int n = 0;
	u64 pinned = 0;

	for (obj = head; obj; obj = next) {
		next = obj->next;
		if (obj->ptr)
			pinned += ml_ops(obj->strategy)->free(obj);
		xa_erase(&ml_objs, obj->id);
		kmem_cache_free(ml_obj_cache, obj);
		if (++n % ML_RESCHED_EVERY == 0)
			cond_resched();
	}
	return pinned;
}

/*
 * Phase 4, after the charge: each record's latency goes into the histogram;
 * it takes a reference on the pool, is stamped, stored, and put on the LRU
 * list if reclaimable. A leaked one's pointer is masked first.
 */
static void ml_chain_publish(struct ml_obj *head)
{
	u64 now = ktime_get_coarse_ns();
	struct ml_obj *obj, *next;
	unsigned int n = 0;
	void *old;

	for (obj = head; obj; obj = next) {
		next = obj->next;
		obj->next = NULL;
		if (obj->pool) {
			refcount_inc(&obj->pool->ref);
			atomic_inc(&obj->pool->live);
		}
		ml_latency_record(obj->strategy, obj->t_ns);
		obj->t_ns = now;
		trace_memlab_alloc(obj);
		if (obj->context == ML_CTX_LEAKED)
			obj->masked = (unsigned long)obj->ptr ^ ml_leak_key;
		/*
		 * The id is reserved and nothing else erases a reservation:
		 * storing needs no memory.
		 */
		xa_lock(&ml_objs);
		old = __xa_store(&ml_objs, obj->id, obj, GFP_NOWAIT);
		if (obj->reclaimable) {
			spin_lock(&ml_lru_lock);
			list_add_tail(&obj->lru, &ml_lru);
			spin_unlock(&ml_lru_lock);
			ml_stats_reclaim(1, 0);
		}
		xa_unlock(&ml_objs);
		WARN_ON_ONCE(xa_is_err(old) || old);
		if (++n % ML_RESCHED_EVERY == 0)
			cond_resched();
	}
}

/**
 * ml_alloc() - make allocations, all or none, tracked and counted
 * @s: the strategy
 * @size: bytes each, within the strategy's limit
 * @count: how many
 * @ctx: where from; ML_CTX_ATOMIC allocates with GFP_ATOMIC under a spinlock,
 *	ML_CTX_NOWAIT with GFP_NOWAIT, the others with GFP_KERNEL;
 *	ML_CTX_LEAKED hides the allocations from kmemleak
 * @opts: ML_ALLOC_RECLAIMABLE (the shrinker may free them), ML_ALLOC_ACCOUNT
 *	(__GFP_ACCOUNT: charged to the caller's memory cgroup)
 * @first_id: if not NULL, set to the id of the first allocation
 * @why: on failure, set to a reason for the kernel log
 *
 * Return: 0, -ENOSPC (over the cap), -ENOMEM (the kernel said no to the
 * allocation or to memlab's own records; counted in failures) or -EINTR.
 */
int ml_alloc(enum ml_strategy s, u64 size, u64 count, enum ml_context ctx,
	     unsigned int opts, u32 *first_id, const char **why)
{
	const struct ml_strategy_ops *st = ml_ops(s);
	u64 track = ml_track_bytes(), per, need, pinned;
	struct ml_made made = { };
	struct ml_pool *pool = NULL;
	struct ml_obj *head = NULL;
	int err;

	if (st->has_pool) {
		pool = ml_pool_get(s, size, why);
		if (IS_ERR(pool)) {
			err = PTR_ERR(pool);
			if (err == -ENOMEM)
				ml_stats_failure(s);
			return err;
		}
	}
	/* What the kernel may hand out for each, and its record. */
	per = ml_strategy_cost(s, size, pool);
	if (check_add_overflow(per, track, &need) || check_mul_overflow(need, count, &need) ||
	    ml_stats_reserve(need)) {
		*why = ML_WHY_CAP;
		err = -ENOSPC;
		goto out_put_pool;
	}

	err = ml_chain_make(s, size, count, ctx, opts & ML_ALLOC_RECLAIMABLE, pool, &head);
	if (err) {
		*why = err == -EINTR ? ML_WHY_INTR : "no memory for memlab's tracking records";
		goto err_undo;
	}
	err = ml_chain_allocate(head, ctx, opts & ML_ALLOC_ACCOUNT ? __GFP_ACCOUNT : 0, &made);
	if (err) {
		*why = err == -EINTR ? ML_WHY_INTR : ML_WHY_ALLOCATOR;
		goto err_undo;
	}
	/* Counted before they show in the allocations file, so never freed first. */
	ml_stats_charge(s, count, count * size, made.bytes_alloc, count * track + made.overhead,
			need);
	if (first_id)
		*first_id = head->id;
	ml_chain_publish(head);
	goto out_put_pool;

err_undo:
	/* What the reserve took back is charged from the reservation. */
	pinned = ml_chain_undo(head);
	if (pinned)
		ml_stats_charge(s, 0, 0, 0, pinned, need);
	else
		ml_stats_unreserve(need);
	if (err == -ENOMEM)
		ml_stats_failure(s);
out_put_pool:
	if (pool)
		ml_pool_put(pool);
	return err;
}

/**
 * ml_obj_lookup() - the record of a live allocation
 * @id: its id
 *
 * Return: the record or NULL. It stays valid only while nothing can free
 * it: for the demonstration, which runs before the control file exists.
 */
struct ml_obj *ml_obj_lookup(u32 id)
{
	return xa_load(&ml_objs, id);
}

/* What a batch of frees gives back, per strategy, uncharged at once. */
struct ml_freed {
	u64 n[ML_NR_STRATEGIES];
	u64 bytes_req[ML_NR_STRATEGIES];
	u64 bytes_alloc[ML_NR_STRATEGIES];
	u64 overhead[ML_NR_STRATEGIES];
	u64 pinned[ML_NR_STRATEGIES];
	/*
	 * The pools whose references the frees drop, put only once the frees
	 * are uncharged: a mempool element that went back to the reserve is
	 * in its pool's overhead already, and in the stats' only with the
	 * uncharge (pinned). Putting the last reference first would take the
	 * pool's whole overhead off the stats before that part is on them.
	 */
	struct ml_pool *put[ML_FREE_BATCH];
	bool put_deferred[ML_FREE_BATCH];
	unsigned int nput;
};

/*
 * Take a record out of the xarray, and off the LRU list; under the
 * xarray's lock. Whoever does it frees the record.
 */
static void ml_obj_unlink(struct ml_obj *obj)
{
	__xa_erase(&ml_objs, obj->id);
	if (obj->reclaimable) {
		spin_lock(&ml_lru_lock);
		list_del(&obj->lru);
		spin_unlock(&ml_lru_lock);
		ml_stats_reclaim(-1, 0);
	}
}

static bool ml_obj_pinned(const struct ml_obj *obj)
{
	const struct ml_pin *pin;
	bool pinned = false;

	xa_lock(&ml_objs);
	list_for_each_entry(pin, &ml_pins, node)
		pinned |= pin->obj == obj;
	xa_unlock(&ml_objs);
	return pinned;
}

/*
 * Before a record taken out of the xarray is freed: an inspection that
 * pinned it before is still looking at its memory. Taken out under the
 * lock, it can gain no pin since, and any pin it had shows in ml_npins.
 */
static void ml_obj_wait_unpinned(const struct ml_obj *obj)
{
	if (likely(!READ_ONCE(ml_npins)))
		return;
	wait_event(ml_pin_wait, !ml_obj_pinned(obj));
}

/*
 * Free one record taken out of the xarray, into @f. From the shrinker
 * (@deferred), the last reference on a pool is dropped by a worker: the
 * pools' mutex may be held by the very allocation that is reclaiming.
 */
static void ml_obj_free(struct ml_obj *obj, struct ml_freed *f, bool deferred)
{
	struct ml_pool *pool = obj->pool;
	enum ml_strategy s = obj->strategy;

	ml_obj_wait_unpinned(obj);
	f->n[s]++;
	f->bytes_req[s] += obj->bytes_req;
	f->bytes_alloc[s] += obj->bytes_alloc;
	f->overhead[s] += obj->overhead;
	trace_memlab_free(obj);
	obj->ptr = ml_obj_mem(obj);
	f->pinned[s] += ml_ops(s)->free(obj);
	kmem_cache_free(ml_obj_cache, obj);
	if (!pool)
		return;
	atomic_dec(&pool->live);
	if (!WARN_ON_ONCE(f->nput >= ML_FREE_BATCH)) {
		f->put[f->nput] = pool;
		f->put_deferred[f->nput++] = deferred;
	} else if (deferred) {
		ml_pool_put_deferred(pool);
	} else {
		ml_pool_put(pool);
	}
}

static void ml_freed_uncharge(struct ml_freed *f)
{
	u64 track = ml_track_bytes();
	unsigned int i;
	int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		if (f->n[s])
			ml_stats_uncharge(s, f->n[s], f->bytes_req[s], f->bytes_alloc[s],
					  f->n[s] * track + f->overhead[s], f->pinned[s]);
	}
	for (i = 0; i < f->nput; i++) {
		if (f->put_deferred[i])
			ml_pool_put_deferred(f->put[i]);
		else
			ml_pool_put(f->put[i]);
	}
	f->nput = 0;
}

/**
 * ml_free_id() - free one live allocation
 * @id: its id
 *
 * Return: 0, or -ENOENT when no live allocation has it (one that a command
 * under way has reserved but not yet published is not live).
 */
int ml_free_id(u64 id)
{
	struct ml_freed f = { };
	struct ml_obj *obj;

	if (id == 0 || id > U32_MAX)
		return -ENOENT;
	xa_lock(&ml_objs);
	obj = xa_load(&ml_objs, id);
	if (obj)
		ml_obj_unlink(obj);
	xa_unlock(&ml_objs);
	if (!obj)
		return -ENOENT;
	ml_obj_free(obj, &f, false);
	ml_freed_uncharge(&f);
	return 0;
}

/**
 * ml_free_strategy() - free every live allocation of a strategy, or every
 *	n-th of them
 * @s: the strategy, or -1 for all of them
 * @every: 0 or 1 for all; n frees the first, the (n+1)-th, ... of them in
 *	id order, and keeps the others
 * @bytes: if not NULL, increased by the bytes_alloc freed
 *
 * The lock is held for at most ML_SCAN_BATCH entries walked or
 * ML_FREE_BATCH records taken out, which are freed outside it.
 *
 * Return: how many were freed.
 */
u64 ml_free_strategy(int s, u64 every, u64 *bytes)
{
	struct ml_obj *batch[ML_FREE_BATCH];
	unsigned long index = 0;
	unsigned int n, seen, i;
	struct ml_obj *obj;
	u64 freed = 0, k = 0;
	bool more;

	do {
		struct ml_freed f = { };

		n = 0;
		seen = 0;
		more = false;
		xa_lock(&ml_objs);
		xa_for_each_start(&ml_objs, index, obj, index) {
			if (++seen > ML_SCAN_BATCH || n == ML_FREE_BATCH) {
				more = true;
				break;
			}
			if (s >= 0 && obj->strategy != s)
				continue;
			if (every > 1 && k++ % every)
				continue;
			ml_obj_unlink(obj);
			batch[n++] = obj;
		}
		xa_unlock(&ml_objs);
		for (i = 0; i < n; i++) {
			if (bytes)
				*bytes += batch[i]->bytes_alloc;
			ml_obj_free(batch[i], &f, false);
		}
		ml_freed_uncharge(&f);
		freed += n;
		cond_resched();
	} while (more);
	return freed;
}

/**
 * ml_reclaim() - free the oldest reclaimable allocations, for the shrinker
 * @nr: how many at most
 *
 * Return: how many were freed (counted as frees).
 */
unsigned long ml_reclaim(unsigned long nr)
{
	struct ml_obj *batch[ML_FREE_BATCH];
	unsigned long done = 0;
	unsigned int n, i;

	while (done < nr) {
		struct ml_freed f = { };

		n = 0;
		xa_lock(&ml_objs);
		while (n < ML_FREE_BATCH && done + n < nr) {
			struct ml_obj *obj;

			spin_lock(&ml_lru_lock);
			obj = list_first_entry_or_null(&ml_lru, struct ml_obj, lru);
			spin_unlock(&ml_lru_lock);
			if (!obj)
				break;
			ml_obj_unlink(obj);
			batch[n++] = obj;
		}
		xa_unlock(&ml_objs);
		if (!n)
			break;
		for (i = 0; i < n; i++)
			ml_obj_free(batch[i], &f, true);
		ml_freed_uncharge(&f);
		done += n;
		ml_stats_reclaim(0, n);
	}
	return done;
}

/**
 * ml_inspect_next() - look at the next live allocation
 * @index: the lowest id to look at; set past the one looked at
 * @fill: called under the index's lock, so that the record cannot be freed
 *	meanwhile (ml_obj_mem() gives its address); must not sleep
 * @walk: if not NULL, called after @fill, outside the lock, with the record
 *	pinned: a free of it waits until @walk returns; may sleep
 * @arg: for @fill and @walk
 *
 * Return: true when a record was found and @fill called, false at the end.
 */
bool ml_inspect_next(unsigned long *index,
		     void (*fill)(const struct ml_obj *obj, void *arg),
		     void (*walk)(const struct ml_obj *obj, void *arg), void *arg)
{
	struct ml_pin pin = { };
	struct ml_obj *obj;

	xa_lock(&ml_objs);
	obj = xa_find(&ml_objs, index, ULONG_MAX, XA_PRESENT);
	if (obj) {
		fill(obj, arg);
		if (walk) {
			pin.obj = obj;
			list_add(&pin.node, &ml_pins);
			ml_npins++;
		}
	}
	xa_unlock(&ml_objs);
	if (!obj)
		return false;
	if (walk) {
		walk(obj, arg);
		xa_lock(&ml_objs);
		list_del(&pin.node);
		ml_npins--;
		xa_unlock(&ml_objs);
		wake_up_all(&ml_pin_wait);
	}
	(*index)++;
	return true;
}

/*
 * A debugfs file of one row per live allocation (struct ml_inspect_ops):
 * each step fills one row under the xarray's lock (and walks it outside,
 * pinned) and prints it outside, so a read holds the lock for one lookup
 * at a time. The position is the lowest id still to show: a restart
 * resumes there.
 */
struct ml_inspect {
	const struct ml_inspect_ops *ops;
	u32 id;
	u64 row[];
};

static void ml_inspect_fill(const struct ml_obj *obj, void *arg)
{
	struct ml_inspect *in = arg;

	in->id = obj->id;
	in->ops->fill(obj, in->row);
}

static void ml_inspect_walk(const struct ml_obj *obj, void *arg)
{
	struct ml_inspect *in = arg;

	in->ops->walk(obj, in->row);
}

static void *ml_inspect_find(struct seq_file *m, unsigned long index)
{
	struct ml_inspect *in = m->private;

	return ml_inspect_next(&index, ml_inspect_fill, in->ops->walk ? ml_inspect_walk : NULL,
			       in) ? in : NULL;
}

static void *ml_inspect_start(struct seq_file *m, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return ml_inspect_find(m, *pos);
}

static void *ml_inspect_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	*pos = v == SEQ_START_TOKEN ? 1 : ((struct ml_inspect *)v)->id + 1ULL;
	return ml_inspect_find(m, *pos);
}

static void ml_inspect_stop(struct seq_file *m, void *v)
{
}

static int ml_inspect_show(struct seq_file *m, void *v)
{
	struct ml_inspect *in = m->private;

	if (v == SEQ_START_TOKEN)
		seq_puts(m, in->ops->header);
	else
		in->ops->show(m, in->id, in->row);
	return 0;
}

static const struct seq_operations ml_inspect_sops = {
	.start = ml_inspect_start,
	.next = ml_inspect_seq_next,
	.stop = ml_inspect_stop,
	.show = ml_inspect_show,
};

static int ml_inspect_open(struct inode *inode, struct file *file)
{
	const struct ml_inspect_ops *ops = inode->i_private;
	struct ml_inspect *in;

	in = __seq_open_private(file, &ml_inspect_sops, sizeof(*in) + ops->row_size);
	if (!in)
		return -ENOMEM;
	in->ops = ops;
	return 0;
}

static const struct file_operations ml_inspect_fops = {
	.owner = THIS_MODULE,
	.open = ml_inspect_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/**
 * ml_inspect_debugfs_create() - create a debugfs file of one row per live
 *	allocation, mode 0400
 * @name: its name
 * @dir: memlab's debugfs directory
 * @ops: its header, rows and how to make them; static
 */
void ml_inspect_debugfs_create(const char *name, struct dentry *dir,
			       const struct ml_inspect_ops *ops)
{
	debugfs_create_file(name, 0400, dir, (void *)ops, &ml_inspect_fops);
}

/* debugfs "allocations": a copy of each record. */
static void ml_allocations_copy(const struct ml_obj *obj, void *copy)
{
	*(struct ml_obj *)copy = *obj;
}

static void ml_allocations_show(struct seq_file *m, u32 id, const void *row)
{
	const struct ml_obj *obj = row;
	u64 age_ms;

	/* A coarse clock: one timer tick of resolution, no clocksource read. */
	age_ms = div_u64(ktime_get_coarse_ns() - obj->t_ns, NSEC_PER_MSEC);
	seq_printf(m, "%u %s %llu %llu %s %llu\n", obj->id, ml_strategy_name(obj->strategy),
		   obj->bytes_req, obj->bytes_alloc, ml_context_names[obj->context], age_ms);
}

static const struct ml_inspect_ops ml_allocations_ops = {
	.header = "# id strategy bytes_req bytes_alloc context age_ms\n",
	.row_size = sizeof(struct ml_obj),
	.fill = ml_allocations_copy,
	.show = ml_allocations_show,
};

/**
 * ml_allocations_debugfs_init() - create debugfs "allocations"
 * @dir: memlab's debugfs directory
 */
int ml_allocations_debugfs_init(struct dentry *dir)
{
	ml_inspect_debugfs_create("allocations", dir, &ml_allocations_ops);
	return 0;
}

/**
 * ml_track_init() - what every allocation needs, before the first one: the
 *	latency histogram, the records' cache, the pools' worker
 */
int ml_track_init(void)
{
	int err;

	/* Bit 63 set: a masked pointer is never a kernel address. */
	ml_leak_key = get_random_long() | BIT(BITS_PER_LONG - 1);
	err = ml_latency_init();
	if (err)
		return err;
	ml_obj_cache = KMEM_CACHE(ml_obj, 0);
	if (!ml_obj_cache) {
		err = -ENOMEM;
		goto err_latency_exit;
	}
	err = ml_pools_init();
	if (err)
		goto err_destroy_cache;
	return 0;

err_destroy_cache:
	kmem_cache_destroy(ml_obj_cache);
err_latency_exit:
	ml_latency_exit();
	return err;
}

/**
 * ml_track_exit() - after everything was freed: the pools, the records'
 *	cache and the histogram go
 */
void ml_track_exit(void)
{
	ml_pools_destroy();
	WARN_ON(!xa_empty(&ml_objs));
	xa_destroy(&ml_objs);
	kmem_cache_destroy(ml_obj_cache);
	ml_latency_exit();
}

/**
 * ml_track_index() - the xarray that holds the records, for debugfs "index"
 *
 * Return: the xarray; its readers take rcu_read_lock() or its lock.
 */
struct xarray *ml_track_index(void)
{
	return &ml_objs;
}
