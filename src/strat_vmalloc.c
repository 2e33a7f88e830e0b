// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc: whole pages from anywhere in physical memory, mapped at
 * contiguous virtual addresses (with a guard page) in the vmalloc area.
 * It may sleep: it allocates page tables.
 */
#include <linux/vmalloc.h>
#include <linux/mm.h>

#include "memlab.h"

static int ml_vmalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	/* vmalloc() with the caller's gfp (memlab adds __GFP_NOWARN). */
	obj->ptr = __vmalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = PAGE_ALIGN(obj->bytes_req);
	return 0;
}

static void ml_vmalloc_free(struct ml_obj *obj)
{
	vfree(obj->ptr);
}

static u64 ml_vmalloc_bytes(u64 size, const struct ml_pool *pool)
{
	return PAGE_ALIGN(size);
}

/* No size limit of its own: the cap is one. */
static u64 ml_vmalloc_limit(void)
{
	return ml_max_bytes;
}

const struct ml_strategy_ops ml_vmalloc_ops = {
	.name = "vmalloc",
	.limit = ml_vmalloc_limit,
	.leak_seen = true,
	.may_sleep = true,
	.bytes = ml_vmalloc_bytes,
	.alloc = ml_vmalloc_alloc,
	.free = ml_vmalloc_free,
};
