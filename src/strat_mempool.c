// SPDX-License-Identifier: GPL-2.0
/*
 * mempool: elements from memlab's pool for one element size (pool.c),
 * which keeps mempool_min elements in reserve. mempool_alloc() first tries
 * the allocator without reclaim or I/O, then takes from the reserve, and
 * only then, if its gfp allows, reclaims and finally waits for an element
 * to come back. memlab strips __GFP_DIRECT_RECLAIM, so it never waits: an
 * empty reserve is an error, not a hang (unlike the kernel's usual use,
 * where a mempool_alloc() that may sleep never fails). pool.c moves an
 * element's charge between the reserve (overhead_bytes) and used_bytes as
 * it leaves or refills the reserve.
 *
 * Not "account": the reserve's elements were allocated when the pool was
 * made, charged to no one, and an element freed back into the reserve would
 * stay charged to a cgroup that no longer holds it.
 */
#include <linux/mempool.h>

#include "compat.h"
#include "memlab.h"

/* Here, not in pool.c, is the site /proc/allocinfo charges elements to. */
static int ml_mempool_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = ml_alloc_hooks(ml_pool_mempool_alloc(obj->pool, gfp & ~__GFP_DIRECT_RECLAIM));
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = obj->pool->elem_size;
	return 0;
}

/* An element that refills the reserve stays pinned, as overhead. */
static u64 ml_mempool_free(struct ml_obj *obj)
{
	return ml_pool_mempool_free(obj->pool, obj->ptr);
}

const struct ml_strategy_ops ml_mempool_ops = {
	.name = "mempool",
	.limit = ml_kmalloc_limit,
	.leak_seen = true,
	.has_pool = true,
	.bytes = ml_pool_bytes,
	.alloc = ml_mempool_alloc,
	.free = ml_mempool_free,
};
