// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc: small objects from the slab allocator's size buckets
 * (kmalloc-8 ... kmalloc-8k), larger ones straight from the page allocator.
 * The bucket is what an allocation really takes: kmalloc_size_roundup(),
 * the same for every allocation of a size (fixed_bytes: track.c sets it once
 * per command).
 */
#include <linux/slab.h>

#include "memlab.h"

static int ml_kmalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	return ml_kmalloc_alloc_op(obj, gfp);
}

void ml_kmalloc_free(struct ml_obj *obj)
{
	kfree(obj->ptr);
}

u64 ml_kmalloc_bytes(u64 size, const struct ml_pool *pool)
{
	return kmalloc_size_roundup(size);
}

u64 ml_kmalloc_limit(void)
{
	return KMALLOC_MAX_SIZE;
}

const struct ml_strategy_ops ml_kmalloc_ops = {
	.alloc = ml_kmalloc_alloc,
	.free = ml_kmalloc_free,
	.max_bytes = ml_kmalloc_bytes,
	.limit = ml_kmalloc_limit,
	.fixed_bytes = true,
};
