/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference memlab meets, in one place (after
 * WireGuard's compat/). Supported: Debian's 6.1 and 6.12.
 */
#ifndef MEMLAB_COMPAT_H
#define MEMLAB_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>
#include <linux/slab.h>

/*
 * The largest page order the buddy allocator hands out. 6.1's MAX_ORDER is
 * exclusive (orders 0..MAX_ORDER-1); 6.8 renamed the inclusive bound to
 * MAX_PAGE_ORDER.
 */
#ifdef MAX_PAGE_ORDER
#define ML_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define ML_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * A slab cache of memlab's own must not be merged with a look-alike, or it
 * would not show under its name in /proc/slabinfo. SLAB_NO_MERGE exists from
 * 6.5; before it, a constructor is what keeps a cache unmergeable.
 */
#ifdef SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE	SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE_CTOR	NULL
#else
static inline void ml_slab_no_merge_ctor(void *obj)
{
}

#define ML_SLAB_NO_MERGE	0
#define ML_SLAB_NO_MERGE_CTOR	ml_slab_no_merge_ctor
#endif

/*
 * The largest object one of memlab's caches can hold. SLUB refuses, with a
 * stack dump, a cache whose slot (the object and what SLUB keeps beside it)
 * does not fit in its largest slab, KMALLOC_MAX_SIZE (4 MiB). Before 6.5
 * memlab's caches have the constructor above, and SLUB then keeps the free
 * pointer after the object: 8 bytes more, so a 4 MiB object does not fit.
 * Slab debugging does the same on any kernel (slub_debug=P moves the free
 * pointer out too) and adds red zones and two tracking records, and KASAN a
 * red zone of up to 2 KiB; which of them are on is only known at boot, so
 * memlab leaves one page for all of it, on every kernel.
 */
#define ML_SLAB_OBJ_MAX		(KMALLOC_MAX_SIZE - PAGE_SIZE)

#endif /* MEMLAB_COMPAT_H */
