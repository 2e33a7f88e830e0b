// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_cache: objects of one size from memlab's own slab cache
 * "memlab-<size>" (pool.c), unmerged so that it shows in /proc/slabinfo.
 * Each takes the cache's object size, kmem_cache_size(), as bytes_alloc;
 * what its slab takes beyond that (all of a slab of its own for an object
 * above SLUB's largest slab order) is overhead_bytes.
 */
#include <linux/slab.h>

#include "compat.h"
#include "memlab.h"

static int ml_kmem_cache_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kmem_cache_alloc(obj->pool->cache, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = obj->pool->elem_size;
	obj->overhead = obj->pool->obj_cost - obj->pool->elem_size;
	return 0;
}

static u64 ml_kmem_cache_free(struct ml_obj *obj)
{
	kmem_cache_free(obj->pool->cache, obj->ptr);
	return 0;
}

/* What one object of the pool takes: its cache's or its mempool's element. */
u64 ml_pool_bytes(u64 size, const struct ml_pool *pool)
{
	return pool->elem_size;
}

/* What the kernel hands out for one: as pool.c measured it. */
u64 ml_pool_cost(u64 size, const struct ml_pool *pool)
{
	return pool->obj_cost;
}

const struct ml_strategy_ops ml_kmem_cache_ops = {
	.name = "kmem_cache",
	.limit = ml_kmalloc_limit,
	.leak_seen = true,
	.accounted = true,	/* slab hooks charge it when gfp has __GFP_ACCOUNT */
	.has_pool = true,
	.bytes = ml_pool_bytes,
	.cost = ml_pool_cost,
	.alloc = ml_kmem_cache_alloc,
	.free = ml_kmem_cache_free,
};
