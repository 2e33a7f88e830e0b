// SPDX-License-Identifier: GPL-2.0
/*
 * The load-time demonstration: for each strategy, one short lesson in the
 * kernel log saying what was asked and what was given. Its allocations stay
 * live until unload, so /proc/memlab/stats and the kernel's own views show
 * them. It runs before the control file exists, so nothing else frees them
 * while a lesson looks at them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/pageblock-flags.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/gcd.h>
#include <linux/string.h>
#include <linux/sizes.h>

#include "compat.h"
#include "memlab.h"

#define ML_DEMO_KMALLOC_SIZE	100
#define ML_DEMO_VMALLOC_SIZE	SZ_1M
#define ML_DEMO_KV_SMALL	SZ_16K
#define ML_DEMO_KV_LARGE	(5 * SZ_1M)
#define ML_DEMO_CACHE_SIZE	200
#define ML_DEMO_CACHE_OBJS	16
#define ML_DEMO_MEMPOOL_SIZE	256
#define ML_DEMO_PERCPU_SIZE	64

/*
 * Allocate one object for a lesson; on failure say why the lesson is
 * skipped. Its record stays valid: nothing can free it before the control
 * file exists.
 */
static struct ml_obj *ml_demo_alloc(enum ml_strategy s, u64 size)
{
	const char *why = NULL;
	u32 id;
	int err;

	err = ml_alloc(s, size, 1, ML_CTX_INIT, 0, &id, &why);
	if (!err)
		return ml_obj_lookup(id);
	pr_info("demo %s: skipped: %s (%d)\n", ml_strategy_name(s), why, err);
	return NULL;
}

static void ml_demo_kmalloc(void)
{
	struct ml_obj *km, *kz;
	bool km_zero, kz_zero;

	km = ml_demo_alloc(ML_KMALLOC, ML_DEMO_KMALLOC_SIZE);
	kz = ml_demo_alloc(ML_KZALLOC, ML_DEMO_KMALLOC_SIZE);
	if (km)
		pr_info("demo kmalloc: asked %llu bytes, got %llu: the object comes from the kmalloc-%llu slab bucket, the smallest that fits, so %llu bytes are slack\n",
			km->bytes_req, km->bytes_alloc, km->bytes_alloc,
			km->bytes_alloc - km->bytes_req);
	if (!km || !kz)
		return;
	km_zero = !memchr_inv(km->ptr, 0, km->bytes_req);
	kz_zero = !memchr_inv(kz->ptr, 0, kz->bytes_req);
	pr_info("demo kzalloc: asked %llu bytes, got %llu from the same bucket, and all %llu bytes are zero: %s\n",
		kz->bytes_req, kz->bytes_alloc, kz->bytes_req,
		kz_zero ? "verified" : "NOT verified, this is a bug");
	if (km_zero && want_init_on_alloc(GFP_KERNEL))
		pr_info("demo kzalloc: kmalloc's bytes were all zero too: this kernel runs with init_on_alloc=1, which zeroes new allocations (not in caches with a constructor, SLAB_TYPESAFE_BY_RCU caches or poisoned caches); boot with init_on_alloc=0 and kmalloc hands back whatever was there, only kzalloc promises zeros\n");
	else if (km_zero)
		pr_info("demo kzalloc: kmalloc's bytes were all zero too: by chance, nothing had used them; boot with init_on_alloc=0 and kmalloc hands back whatever was there, only kzalloc promises zeros\n");
	else
		pr_info("demo kzalloc: kmalloc's bytes were not all zero (the first is 0x%02x): %s; only kzalloc promises zeros\n",
			*(u8 *)km->ptr, want_init_on_alloc(GFP_KERNEL) ?
			"init_on_alloc=1 is on, but slab debugging poisons this cache" :
			"init_on_alloc is off, so kmalloc does not clear memory");
}

static void ml_demo_vmalloc(void)
{
	struct ml_obj *obj = ml_demo_alloc(ML_VMALLOC, ML_DEMO_VMALLOC_SIZE);
	unsigned long pages;

	if (!obj)
		return;
	pages = obj->bytes_alloc >> PAGE_SHIFT;
	pr_info("demo vmalloc: asked %llu bytes, got %lu pages of %lu bytes, virtually contiguous, physically in %lu separate runs: vmalloc maps scattered pages side by side (see /proc/vmallocinfo)\n",
		obj->bytes_req, pages, PAGE_SIZE, ml_phys_runs(obj->ptr, pages));
}

static void ml_demo_kvmalloc_one(u64 size)
{
	struct ml_obj *obj = ml_demo_alloc(ML_KVMALLOC, size);

	if (!obj)
		return;
	if (is_vmalloc_addr(obj->ptr) && size > KMALLOC_MAX_SIZE)
		pr_info("demo kvmalloc: asked %llu bytes: vmalloc served it (%llu bytes, page-aligned), as it is above KMALLOC_MAX_SIZE (%lu bytes), the most kmalloc gives\n",
			obj->bytes_req, obj->bytes_alloc,
			(unsigned long)KMALLOC_MAX_SIZE);
	else if (is_vmalloc_addr(obj->ptr))
		pr_info("demo kvmalloc: asked %llu bytes: vmalloc served it (%llu bytes, page-aligned), kmalloc could not\n",
			obj->bytes_req, obj->bytes_alloc);
	else
		pr_info("demo kvmalloc: asked %llu bytes: kmalloc served it (%llu bytes, physically contiguous), no need for vmalloc\n",
			obj->bytes_req, obj->bytes_alloc);
}

static void ml_demo_kvmalloc(void)
{
	ml_demo_kvmalloc_one(ML_DEMO_KV_SMALL);
	ml_demo_kvmalloc_one(ML_DEMO_KV_LARGE);
}

/*
 * Objects per slab, seen from the objects: those sharing a slab sit a whole
 * number of strides apart, so the gcd of their distances is the stride.
 */
static void ml_demo_kmem_cache(void)
{
	struct ml_obj *objs[ML_DEMO_CACHE_OBJS];
	unsigned long stride = 0, slab_size = 0;
	struct folio *fa;
	int i, j, n;

	for (n = 0; n < ML_DEMO_CACHE_OBJS; n++) {
		objs[n] = ml_demo_alloc(ML_KMEM_CACHE, ML_DEMO_CACHE_SIZE);
		if (!objs[n])
			break;
	}
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		fa = virt_to_folio(objs[i]->ptr);
		for (j = i + 1; j < n; j++) {
			if (virt_to_folio(objs[j]->ptr) != fa)
				continue;
			stride = gcd(stride, abs((long)(objs[j]->ptr - objs[i]->ptr)));
			slab_size = folio_size(fa);
		}
	}
	pr_info("demo kmem_cache: cache %s, object size %llu (kmem_cache_size), %d objects allocated\n",
		objs[0]->pool->name, objs[0]->bytes_alloc, n);
	if (stride)
		pr_info("demo kmem_cache: objects sit %lu bytes apart in slabs of %lu bytes (order %d): %lu objects per slab, the objperslab column of /proc/slabinfo\n",
			stride, slab_size, get_order(slab_size), slab_size / stride);
}

static void ml_demo_alloc_pages(void)
{
	struct ml_obj *obj = ml_demo_alloc(ML_ALLOC_PAGES, PAGE_SIZE << ml_demo_order);
	unsigned long pfn;

	if (!obj)
		return;
	pfn = page_to_pfn(obj->page);
	pr_info("demo alloc_pages: order %u gave 2^%u = %lu physically contiguous pages, pfn %lu to %lu (%llu bytes), one block of the buddy allocator, aligned: its first pfn is a multiple of %lu; %s\n",
		ml_demo_order, ml_demo_order, 1UL << ml_demo_order, pfn,
		pfn + (1UL << ml_demo_order) - 1, obj->bytes_alloc, 1UL << ml_demo_order,
		ml_demo_order <= PAGE_ALLOC_COSTLY_ORDER ||
		(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && ml_demo_order == pageblock_order) ?
		"an order the per-CPU free lists keep, unseen by /proc/buddyinfo" :
		"an order no per-CPU list keeps: it came off the free lists of /proc/buddyinfo");
}

static void ml_demo_mempool(void)
{
	struct ml_obj *obj = ml_demo_alloc(ML_MEMPOOL, ML_DEMO_MEMPOOL_SIZE);
	mempool_t *pool;

	if (!obj)
		return;
	pool = obj->pool->mempool;
	pr_info("demo mempool: %s keeps %d elements of %zu bytes in reserve; mempool_alloc took this one from the allocator, on a first try without reclaim or I/O, so the reserve still holds %d, for when that try fails\n",
		obj->pool->name, pool->min_nr, obj->pool->elem_size, pool->curr_nr);
}

static void ml_demo_percpu(void)
{
	struct ml_obj *obj = ml_demo_alloc(ML_PERCPU, ML_DEMO_PERCPU_SIZE);
	unsigned int cpu, seen = 0;
	void __percpu *p;

	if (!obj)
		return;
	p = obj->pcpu;
	for_each_possible_cpu(cpu) {
		unsigned int *copy = per_cpu_ptr(p, cpu);

		*copy = cpu;
	}
	pr_info("demo percpu: asked %llu bytes, got one copy per possible CPU: %u copies, %llu bytes in all\n",
		obj->bytes_req, num_possible_cpus(), obj->bytes_alloc);
	for_each_possible_cpu(cpu) {
		if (seen++ == 4)
			break;
		pr_info("demo percpu: cpu%u's copy is at %p and holds %u\n", cpu,
			per_cpu_ptr(p, cpu), *(unsigned int *)per_cpu_ptr(p, cpu));
	}
}

static void (*const ml_lessons[])(void) = {
	ml_demo_kmalloc,	/* kmalloc and kzalloc */
	ml_demo_vmalloc,
	ml_demo_kvmalloc,
	ml_demo_kmem_cache,
	ml_demo_alloc_pages,
	ml_demo_mempool,
	ml_demo_percpu,
};

void ml_demo_run(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ml_lessons); i++)
		ml_lessons[i]();
	pr_info("demo: done, its allocations stay live until unload: cat /proc/memlab/stats\n");
}
