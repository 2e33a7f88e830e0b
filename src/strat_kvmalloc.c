// SPDX-License-Identifier: GPL-2.0
/*
 * kvmalloc: try kmalloc first (without retrying hard for large sizes), fall
 * back to vmalloc, which may map the area with huge pages (kvmalloc passes
 * VM_ALLOW_HUGE_VMAP) and then rounds it up to them. What backs the
 * allocation decides what it takes.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/limits.h>

#include "compat.h"
#include "memlab.h"

static int ml_kvmalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = kvmalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	if (is_vmalloc_addr(obj->ptr)) {
		obj->bytes_alloc = PAGE_ALIGN(obj->bytes_req);
		obj->overhead = ml_vmalloc_overhead(obj->ptr, obj->bytes_req);
	} else {
		obj->bytes_alloc = ml_kmalloc_bucket(obj->bytes_req);
		obj->overhead = 0;
	}
	return 0;
}

static u64 ml_kvmalloc_free(struct ml_obj *obj)
{
	kvfree(obj->ptr);
	return 0;
}

/* Not known until allocated: the larger of the two backends it may use. */
static u64 ml_kvmalloc_bytes(u64 size, const struct ml_pool *pool)
{
	return max_t(u64, PAGE_ALIGN(size), ml_kmalloc_bucket(size));
}

static u64 ml_kvmalloc_cost(u64 size, const struct ml_pool *pool)
{
	return max_t(u64, ml_vmalloc_cost(size, true), ml_kmalloc_bucket(size));
}

/* kvmalloc() refuses sizes above INT_MAX (with a warning). */
static u64 ml_kvmalloc_limit(void)
{
	return min_t(u64, ml_max_bytes, INT_MAX);
}

const struct ml_strategy_ops ml_kvmalloc_ops = {
	.name = "kvmalloc",
	.limit = ml_kvmalloc_limit,
	.leak_seen = true,
	.may_sleep = true,
	.nowait_refused = ML_VMALLOC_BLOCKS,
	.accounted = true,
	.bytes = ml_kvmalloc_bytes,
	.cost = ml_kvmalloc_cost,
	.alloc = ml_kvmalloc_alloc,
	.free = ml_kvmalloc_free,
};
