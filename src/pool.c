// SPDX-License-Identifier: GPL-2.0
/*
 * Per-size pools: memlab's kmem_cache "memlab-<size>" and its mempool for one
 * element size. A pool is created by the first allocation of its size and
 * destroyed with the last one, so nothing of it outlives what it serves.
 * Every live allocation holds a reference, and so does a command under way.
 * A mempool's reserve is memory memlab pins: it is charged to the cap
 * (overhead_bytes) before the pool is made, and refused with ENOSPC when it
 * does not fit, before the kernel is asked for anything. The charge follows
 * the reserve as it stands: an element that mempool_alloc() hands out of the
 * reserve moves from overhead_bytes to used_bytes, one that mempool_free()
 * puts back moves the other way; no element is counted in both.
 *
 * A kmem_cache's objects take more than their size where the slab has room
 * for fewer of them than its bytes would hold: an object larger than SLUB's
 * largest slab order gets a slab of its own, of order get_order(size). At
 * creation the pool asks the running kernel: one object is allocated, the
 * slab (folio) it lies in measured, and the object given back; obj_cost is
 * the slab's bytes shared among the objects it holds.
 *
 * debugfs "pools" lists them: what each is, its live objects and, for a
 * mempool, its reserve now (curr_nr) beside its minimum (min_nr).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/err.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <linux/mm.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "compat.h"
#include "memlab.h"

static LIST_HEAD(ml_pools);
static DEFINE_MUTEX(ml_pools_lock);
/* Runs the last puts that the shrinker cannot make itself. */
static struct workqueue_struct *ml_pool_wq;

static void ml_pool_put_work(struct work_struct *work);
static DECLARE_WORK(ml_pool_work, ml_pool_put_work);

/** ml_pools_init() - before the first pool */
int ml_pools_init(void)
{
	/* Its work is queued from reclaim (the shrinker): it needs a rescuer. */
	ml_pool_wq = alloc_workqueue("memlab_pool", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return ml_pool_wq ? 0 : -ENOMEM;
}

/*
 * Boot-time slab debugging (slub_debug=, slab_debug=) keeps red zones, the
 * free pointer and two tracking records beside each object. Within a page of
 * KMALLOC_MAX_SIZE they no longer fit in the largest slab and SLUB would
 * refuse the cache (with a stack dump): such a cache is left out of it.
 */
static slab_flags_t ml_pool_cache_flags(size_t size)
{
	slab_flags_t flags = ML_SLAB_NO_MERGE;

	if (size > KMALLOC_MAX_SIZE - PAGE_SIZE)
		flags |= SLAB_NO_USER_FLAGS;
	return flags;
}

/*
 * The most a slab of an object of @size may take before it is measured:
 * SLUB's largest slab order for objects that share a slab (its default,
 * PAGE_ALLOC_COSTLY_ORDER), or the order of the object and its debugging
 * metadata (less than a page) for an object with a slab of its own.
 */
static u64 ml_pool_probe_bytes(size_t size)
{
	unsigned int order = max_t(unsigned int, get_order(size + PAGE_SIZE),
				   PAGE_ALLOC_COSTLY_ORDER);

	return PAGE_SIZE << min_t(unsigned int, order, ML_MAX_PAGE_ORDER);
}

/* What one object of @cache takes: its slab shared among those it holds. */
static int ml_pool_measure(struct ml_pool *pool)
{
	u64 slab, per;
	void *probe;

	probe = kmem_cache_alloc(pool->cache, GFP_KERNEL | __GFP_NOWARN);
	if (!probe)
		return -ENOMEM;
	slab = folio_size(virt_to_folio(probe));
	kmem_cache_free(pool->cache, probe);
	/* The slab goes back now: nothing of the probe stays uncounted. */
	kmem_cache_shrink(pool->cache);
	per = slab / pool->elem_size;
	pool->obj_cost = per > 1 ? div64_u64(slab, per) : slab;
	pool->obj_cost = max_t(u64, pool->obj_cost, pool->elem_size);
	return 0;
}

static int ml_pool_create_cache(struct ml_pool *pool)
{
	int err;

	snprintf(pool->name, sizeof(pool->name), "memlab-%zu", pool->size);
	pool->cache = kmem_cache_create_usercopy(pool->name, pool->size, 0,
						 ml_pool_cache_flags(pool->size), 0,
						 ML_SLAB_NO_MERGE_USERSIZE(pool->size),
						 NULL);
	if (!pool->cache)
		return -ENOMEM;
	pool->elem_size = kmem_cache_size(pool->cache);
	err = ml_pool_measure(pool);
	if (err) {
		kmem_cache_destroy(pool->cache);
		pool->cache = NULL;
	}
	return err;
}

/* Elements are kmalloc objects: an element takes its whole bucket. */
static int ml_pool_create_mempool(struct ml_pool *pool)
{
	snprintf(pool->name, sizeof(pool->name), "mempool-%zu", pool->elem_size);
	pool->mempool = mempool_create_kmalloc_pool(ml_mempool_min, pool->elem_size);
	if (!pool->mempool)
		return -ENOMEM;
	pool->obj_cost = pool->elem_size;
	return 0;
}

/*
 * The size a pool of strategy @s serves for a request of @size: a
 * kmem_cache's object size is the request's; a mempool's element is the
 * kmalloc bucket, which every request size that rounds to it shares.
 */
static size_t ml_pool_size(enum ml_strategy s, size_t size)
{
	return s == ML_MEMPOOL ? ml_kmalloc_bucket(size) : size;
}

static struct ml_pool *ml_pool_find(enum ml_strategy s, size_t size)
{
	struct ml_pool *pool;

	size = ml_pool_size(s, size);
	list_for_each_entry(pool, &ml_pools, node) {
		if (pool->strategy == s && pool->size == size)
			return pool;
	}
	return NULL;
}

/* A new pool of strategy @s for @size, its reserve charged; ERR_PTR on failure. */
static struct ml_pool *ml_pool_create(enum ml_strategy s, size_t size, const char **why)
{
	struct ml_pool *pool;
	u64 probe;
	int err;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool) {
		*why = "no memory for memlab's pool record";
		return ERR_PTR(-ENOMEM);
	}
	pool->strategy = s;
	pool->size = ml_pool_size(s, size);
	refcount_set(&pool->ref, 1);
	spin_lock_init(&pool->lock);
	atomic_set(&pool->live, 0);
	atomic_set(&pool->deferred, 0);
	if (s == ML_MEMPOOL) {
		pool->elem_size = pool->size;
		pool->overhead = (u64)ml_mempool_min * pool->elem_size;
		probe = pool->overhead;
	} else {
		/* The measuring object's slab, held for a moment. */
		probe = ml_pool_probe_bytes(size);
	}
	err = ml_stats_reserve(probe);
	if (err) {
		*why = s == ML_MEMPOOL ? "the mempool's reserve would take memlab over cap_bytes" :
		       "a slab of the new cache would take memlab over cap_bytes";
		goto err_free_pool;
	}
	if (s == ML_MEMPOOL)
		err = ml_pool_create_mempool(pool);
	else
		err = ml_pool_create_cache(pool);
	if (err) {
		*why = s == ML_MEMPOOL ? "the kernel could not make the mempool's reserve" :
		       "the kernel could not make the slab cache";
		goto err_unreserve;
	}
	ml_stats_charge(s, 0, 0, 0, pool->overhead, probe);
	return pool;

err_unreserve:
	ml_stats_unreserve(probe);
err_free_pool:
	kfree(pool);
	return ERR_PTR(err);
}

/**
 * ml_pool_get() - the pool of a strategy for one size, with a reference
 * @s: ML_KMEM_CACHE or ML_MEMPOOL
 * @size: the object size
 * @why: on failure, set to a reason for the kernel log
 *
 * Return: the pool, or ERR_PTR(-ENOMEM) when the kernel could not make it,
 * ERR_PTR(-ENOSPC) when its reserve does not fit under the cap.
 */
struct ml_pool *ml_pool_get(enum ml_strategy s, size_t size, const char **why)
{
	struct ml_pool *pool;

	mutex_lock(&ml_pools_lock);
	pool = ml_pool_find(s, size);
	if (pool) {
		refcount_inc(&pool->ref);
	} else {
		pool = ml_pool_create(s, size, why);
		if (!IS_ERR(pool))
			list_add(&pool->node, &ml_pools);
	}
	mutex_unlock(&ml_pools_lock);
	return pool;
}

static void ml_pool_destroy(struct ml_pool *pool)
{
	mempool_destroy(pool->mempool);
	kmem_cache_destroy(pool->cache);
	ml_stats_uncharge(pool->strategy, 0, 0, 0, pool->overhead, 0);
	kfree(pool);
}

/**
 * ml_pool_mempool_alloc() - an element of a mempool, the reserve's charge
 *	following it
 * @pool: a mempool's pool
 * @gfp: as mempool_alloc() takes it
 *
 * An element handed out of the reserve leaves overhead_bytes here; the
 * caller charges it to used_bytes, from the reservation it made for it.
 *
 * Return: the element or NULL.
 */
void *ml_pool_mempool_alloc(struct ml_pool *pool, gfp_t gfp)
{
	mempool_t *mp = pool->mempool;
	u64 taken;
	void *elem;
	int before;

	/* Ours, around the mempool's own: whose element left the reserve. */
	spin_lock(&pool->lock);
	before = READ_ONCE(mp->curr_nr);
	/* Charged to the caller's site (compat.h, ml_alloc_hooks()). */
	elem = mempool_alloc_noprof(mp, gfp);
	taken = (u64)(before - READ_ONCE(mp->curr_nr)) * pool->elem_size;
	pool->overhead -= taken;
	spin_unlock(&pool->lock);
	if (taken)
		ml_stats_uncharge(ML_MEMPOOL, 0, 0, 0, taken, 0);
	return elem;
}

/**
 * ml_pool_mempool_free() - give an element back to its mempool
 * @pool: the mempool's pool
 * @elem: from ml_pool_mempool_alloc()
 *
 * Return: the bytes that went into the reserve (0 or the element size),
 * which the caller counts as overhead as it uncharges the element.
 */
u64 ml_pool_mempool_free(struct ml_pool *pool, void *elem)
{
	mempool_t *mp = pool->mempool;
	u64 kept;
	int before;

	spin_lock(&pool->lock);
	before = READ_ONCE(mp->curr_nr);
	mempool_free(elem, mp);
	kept = (u64)(READ_ONCE(mp->curr_nr) - before) * pool->elem_size;
	pool->overhead += kept;
	spin_unlock(&pool->lock);
	return kept;
}

/**
 * ml_pool_put() - drop a reference; the last one destroys the pool
 * @pool: from ml_pool_get()
 */
void ml_pool_put(struct ml_pool *pool)
{
	if (!refcount_dec_and_mutex_lock(&pool->ref, &ml_pools_lock))
		return;
	/*
	 * Destroyed under the lock: a new pool of the same size must not be
	 * made while this one's cache still has its name (in sysfs, debugfs).
	 */
	list_del(&pool->node);
	ml_pool_destroy(pool);
	mutex_unlock(&ml_pools_lock);
}

/* The deferred puts: each pool's count of them, dropped under the lock. */
static void ml_pool_put_work(struct work_struct *work)
{
	struct ml_pool *pool, *tmp;
	int n;

	mutex_lock(&ml_pools_lock);
	list_for_each_entry_safe(pool, tmp, &ml_pools, node) {
		n = atomic_xchg(&pool->deferred, 0);
		if (n && refcount_sub_and_test(n, &pool->ref)) {
			list_del(&pool->node);
			ml_pool_destroy(pool);
		}
	}
	mutex_unlock(&ml_pools_lock);
}

/**
 * ml_pool_put_deferred() - drop a reference from where the pools' mutex
 *	cannot be taken (the shrinker: the allocation that is reclaiming may
 *	hold it); what may be the last one is dropped by a worker
 * @pool: from ml_pool_get()
 */
void ml_pool_put_deferred(struct ml_pool *pool)
{
	if (refcount_dec_not_one(&pool->ref))
		return;
	atomic_inc(&pool->deferred);
	queue_work(ml_pool_wq, &ml_pool_work);
}

/**
 * ml_pools_destroy() - at unload, after every allocation is freed
 *
 * Nothing may be left by then; a pool still there is a bug of memlab's,
 * said loudly, and destroyed all the same.
 */
void ml_pools_destroy(void)
{
	struct ml_pool *pool, *tmp;

	/* The puts still queued first: they destroy their pools. */
	destroy_workqueue(ml_pool_wq);
	mutex_lock(&ml_pools_lock);
	list_for_each_entry_safe(pool, tmp, &ml_pools, node) {
		WARN(1, "pool %s still referenced at unload\n", pool->name);
		list_del(&pool->node);
		ml_pool_destroy(pool);
	}
	mutex_unlock(&ml_pools_lock);
}

/* debugfs "pools": one row per live pool. */
static int ml_pools_show(struct seq_file *m, void *v)
{
	struct ml_pool *pool;

	seq_puts(m, "# name strategy size elem_size live reserve min\n");
	mutex_lock(&ml_pools_lock);
	list_for_each_entry(pool, &ml_pools, node) {
		seq_printf(m, "%s %s %zu %zu %d ", pool->name, ml_strategy_name(pool->strategy),
			   pool->size, pool->elem_size, atomic_read(&pool->live));
		/* curr_nr changes under the pool's own lock; one read is enough. */
		if (pool->mempool)
			seq_printf(m, "%d %d\n", READ_ONCE(pool->mempool->curr_nr),
				   pool->mempool->min_nr);
		else
			seq_puts(m, "- -\n");
	}
	mutex_unlock(&ml_pools_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ml_pools);

/**
 * ml_pools_debugfs_init() - create debugfs "pools"
 * @dir: memlab's debugfs directory
 */
int ml_pools_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("pools", 0400, dir, NULL, &ml_pools_fops);
	return 0;
}
