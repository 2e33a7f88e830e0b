// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc: small objects from the slab allocator's size buckets
 * (kmalloc-8 ... kmalloc-8k), larger ones straight from the page allocator.
 * What an object really takes is its bucket, kmalloc_size_roundup(): the
 * same for every allocation of a size.
 */
#include <linux/slab.h>

#include "compat.h"
#include "memlab.h"

static int ml_kmalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kmalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = ml_kmalloc_bucket(obj->bytes_req);
	return 0;
}

/* kfree() also frees kzalloc()'s objects. */
u64 ml_kmalloc_free(struct ml_obj *obj)
{
	kfree(obj->ptr);
	return 0;
}

u64 ml_kmalloc_bytes(u64 size, const struct ml_pool *pool)
{
	return ml_kmalloc_bucket(size);
}

/* Above this, kmalloc() would warn and fail: memlab refuses first (E2BIG). */
u64 ml_kmalloc_limit(void)
{
	return KMALLOC_MAX_SIZE;
}

const struct ml_strategy_ops ml_kmalloc_ops = {
	.name = "kmalloc",
	.limit = ml_kmalloc_limit,
	.leak_seen = true,
	.accounted = true,	/* from the kmalloc-cg-* caches, or charged pages */
	.bytes = ml_kmalloc_bytes,
	.alloc = ml_kmalloc_alloc,
	.free = ml_kmalloc_free,
};
