// SPDX-License-Identifier: GPL-2.0
/*
 * mempool: elements from memlab's pool for one element size, which keeps
 * mempool_min elements in reserve. mempool_alloc() asks the allocator first
 * and takes from the reserve only when that fails, so it can succeed where
 * plain kmalloc would not. memlab never lets it wait for an element to come
 * back (no direct reclaim): an empty reserve is an error, not a hang. Each
 * element takes the pool's element size (fixed_bytes).
 */
#include <linux/mempool.h>

#include "memlab.h"

static int ml_mempool_alloc(struct ml_obj *obj, gfp_t gfp)
{
	return ml_mempool_alloc_op(obj, gfp);
}

static void ml_mempool_free(struct ml_obj *obj)
{
	mempool_free(obj->ptr, obj->pool->mempool);
}

const struct ml_strategy_ops ml_mempool_ops = {
	.alloc = ml_mempool_alloc,
	.free = ml_mempool_free,
	.max_bytes = ml_pool_elem_size,
	.limit = ml_kmalloc_limit,
	.has_pool = true,
	.fixed_bytes = true,
};
