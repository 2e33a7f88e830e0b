// SPDX-License-Identifier: GPL-2.0
/*
 * kzalloc: kmalloc with __GFP_ZERO, so the object comes back zeroed whatever
 * the kernel's init_on_alloc setting. Same buckets as kmalloc, and freed
 * with kfree().
 */
#include <linux/slab.h>

#include "compat.h"
#include "memlab.h"

static int ml_kzalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kzalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = ml_kmalloc_bucket(obj->bytes_req);
	return 0;
}

const struct ml_strategy_ops ml_kzalloc_ops = {
	.name = "kzalloc",
	.limit = ml_kmalloc_limit,
	.leak_seen = true,
	.accounted = true,
	.bytes = ml_kmalloc_bytes,
	.alloc = ml_kzalloc_alloc,
	.free = ml_kmalloc_free,
};
