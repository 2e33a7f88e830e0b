// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_cache: objects of one size from memlab's own slab cache
 * "memlab-<size>", unmerged so that it shows in /proc/slabinfo. Each takes
 * the cache's element size (fixed_bytes).
 */
#include <linux/slab.h>

#include "compat.h"
#include "memlab.h"

static int ml_kmem_cache_alloc(struct ml_obj *obj, gfp_t gfp)
{
	return ml_kmem_cache_alloc_op(obj, gfp);
}

static void ml_kmem_cache_free(struct ml_obj *obj)
{
	kmem_cache_free(obj->pool->cache, obj->ptr);
}

const struct ml_strategy_ops ml_kmem_cache_ops = {
	.alloc = ml_kmem_cache_alloc,
	.free = ml_kmem_cache_free,
	.max_bytes = ml_pool_elem_size,
	.limit = ml_kmalloc_limit,
	.has_pool = true,
	.fixed_bytes = true,
};
