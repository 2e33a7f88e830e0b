// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_pages: 2^order physically contiguous pages straight from the buddy
 * allocator, the order being the smallest that holds the request.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "compat.h"
#include "memlab.h"

static int ml_alloc_pages_alloc(struct ml_obj *obj, gfp_t gfp)
{
	unsigned int order = get_order(obj->bytes_req);

	obj->page = alloc_pages(gfp, order);
	if (!obj->page)
		return -ENOMEM;
	obj->bytes_alloc = PAGE_SIZE << order;
	return 0;
}

static u64 ml_alloc_pages_free(struct ml_obj *obj)
{
	__free_pages(obj->page, get_order(obj->bytes_req));
	return 0;
}

static u64 ml_alloc_pages_bytes(u64 size, const struct ml_pool *pool)
{
	return PAGE_SIZE << get_order(size);
}

static u64 ml_alloc_pages_limit(void)
{
	return PAGE_SIZE << ML_MAX_PAGE_ORDER;
}

const struct ml_strategy_ops ml_alloc_pages_ops = {
	.name = "alloc_pages",
	.limit = ml_alloc_pages_limit,
	.accounted = true,	/* memory.stat's kernel line */
	.bytes = ml_alloc_pages_bytes,
	.alloc = ml_alloc_pages_alloc,
	.free = ml_alloc_pages_free,
};
