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

#endif /* MEMLAB_COMPAT_H */
