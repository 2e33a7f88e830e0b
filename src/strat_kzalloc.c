// SPDX-License-Identifier: GPL-2.0
/*
 * kzalloc: kmalloc with __GFP_ZERO, so the object comes back zeroed whatever
 * the kernel's init_on_alloc setting. Freed with kfree(), as kmalloc; its
 * bucket is the same as kmalloc's (fixed_bytes).
 */
#include <linux/slab.h>

#include "memlab.h"

static int ml_kzalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	return ml_kzalloc_alloc_op(obj, gfp);
}

const struct ml_strategy_ops ml_kzalloc_ops = {
	.alloc = ml_kzalloc_alloc,
	.free = ml_kmalloc_free,
	.max_bytes = ml_kmalloc_bytes,
	.limit = ml_kmalloc_limit,
	.fixed_bytes = true,
};
