// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc: whole pages from anywhere in physical memory, mapped at
 * contiguous virtual addresses (with a guard page) in the vmalloc area.
 * It may sleep: it allocates page tables.
 *
 * Beside its pages an area takes its struct vm_struct and, to free them,
 * an array of their struct page pointers: kmalloc'ed up to a page, else
 * vmalloc'ed itself (with an array of its own). An area that may use huge
 * pages (kvmalloc's) is rounded up to them, every page allocated
 * (compat.h, ml_vmalloc_huge_size()). bytes_alloc stays PAGE_ALIGN(size);
 * the rest is overhead_bytes.
 */
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/mm.h>

#include "compat.h"
#include "memlab.h"

/* What an area of @bytes (page-aligned) takes beside its pages. */
static u64 ml_vmalloc_beside(u64 bytes)
{
	u64 array = (bytes >> PAGE_SHIFT) * sizeof(struct page *);
	u64 meta = kmalloc_size_roundup(sizeof(struct vm_struct));

	/* __vmalloc_area_node(): the array is vmalloc'ed above a page. */
	if (array > PAGE_SIZE)
		return meta + PAGE_ALIGN(array) + ml_vmalloc_beside(PAGE_ALIGN(array));
	return meta + kmalloc_size_roundup(array);
}

/**
 * ml_vmalloc_cost() - what the kernel may hand out for a vmalloc of @size
 * @size: the request
 * @huge: the area may be mapped with huge pages (kvmalloc)
 *
 * Return: its pages, rounded as the kernel may round them, and what it
 * takes beside them.
 */
u64 ml_vmalloc_cost(u64 size, bool huge)
{
	u64 bytes = huge ? ml_vmalloc_huge_size(size) : PAGE_ALIGN(size);

	return bytes + ml_vmalloc_beside(bytes);
}

/**
 * ml_vmalloc_overhead() - what an area took beyond PAGE_ALIGN(@size)
 * @addr: the area, from vmalloc() or kvmalloc()
 * @size: its request
 *
 * A rounded area has pages mapped past PAGE_ALIGN(@size); an area that is
 * not has its guard page there, which nothing maps.
 */
u64 ml_vmalloc_overhead(const void *addr, u64 size)
{
	u64 bytes = PAGE_ALIGN(size);

	if (bytes < ml_vmalloc_huge_size(size) && vmalloc_to_page(addr + bytes))
		bytes = ml_vmalloc_huge_size(size);
	return bytes - PAGE_ALIGN(size) + ml_vmalloc_beside(bytes);
}

static int ml_vmalloc_alloc(struct ml_obj *obj, gfp_t gfp)
{
	/* vmalloc() with the caller's gfp (memlab adds __GFP_NOWARN). */
	obj->ptr = __vmalloc(obj->bytes_req, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = PAGE_ALIGN(obj->bytes_req);
	obj->overhead = ml_vmalloc_overhead(obj->ptr, obj->bytes_req);
	return 0;
}

static u64 ml_vmalloc_free(struct ml_obj *obj)
{
	vfree(obj->ptr);
	return 0;
}

static u64 ml_vmalloc_bytes(u64 size, const struct ml_pool *pool)
{
	return PAGE_ALIGN(size);
}

static u64 ml_vmalloc_cost_of(u64 size, const struct ml_pool *pool)
{
	return ml_vmalloc_cost(size, false);
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
	.nowait_refused = ML_VMALLOC_BLOCKS,
	.accounted = true,	/* its pages: memory.stat's vmalloc line */
	.bytes = ml_vmalloc_bytes,
	.cost = ml_vmalloc_cost_of,
	.alloc = ml_vmalloc_alloc,
	.free = ml_vmalloc_free,
};
