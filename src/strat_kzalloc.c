// SPDX-License-Identifier: GPL-2.0
/*
 * kzalloc: kmalloc with __GFP_ZERO, so the object comes back zeroed whatever
 * the kernel's init_on_alloc setting.
 */
#include <linux/slab.h>

#include "memlab.h"

static int ml_kzalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kzalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = kmalloc_size_roundup(obj->bytes_req);
	return 0;
}

static void ml_kzalloc_free(struct ml_obj *obj)
{
	kfree(obj->ptr);
}

const struct ml_strategy_ops ml_kzalloc_ops = {
	.alloc = ml_kzalloc_alloc,
	.free = ml_kzalloc_free,
	.max_bytes = ml_kmalloc_bytes,
	.limit = ml_kmalloc_limit,
};
