/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference memlab meets, in one place (after
 * WireGuard's compat/). Supported: Debian's 6.1, 6.12 and 7.3.
 *
 * Differences that need no line here, because memlab uses the name that
 * works on all of them:
 *  - 7.x renamed struct mempool_s to struct mempool: memlab says mempool_t;
 *  - 7.x's x86 per-CPU pointers are in the __seg_gs address space: memlab
 *    keeps them as void __percpu * (struct ml_obj's union) and reaches the
 *    copies with per_cpu_ptr() and this_cpu_inc(), never through a cast.
 */
#ifndef MEMLAB_COMPAT_H
#define MEMLAB_COMPAT_H

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
 * 6.5. Before it, a usercopy region keeps a cache unmergeable (slab_common.c
 * neither aliases nor merges into a cache with one); memlab whitelists the
 * whole object, which it never copies to user space anyway. A constructor
 * would keep it unmergeable too, but SLUB then puts its free pointer after
 * the object, and a 4 MiB object would no longer fit in the largest slab.
 */
#ifdef SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE		SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE_USERSIZE(size)	0
#else
#define ML_SLAB_NO_MERGE		0
#define ML_SLAB_NO_MERGE_USERSIZE(size)	(size)
#endif

/*
 * The kmalloc bucket of @size. 6.1's kmalloc_size_roundup() rounds any size
 * above the slab buckets up to a page order, even above KMALLOC_MAX_SIZE,
 * which kmalloc() refuses; 6.12 returns such a size as it is. memlab asks
 * only for sizes kmalloc() may serve, and takes 0 (no bucket) for others.
 */
static inline u64 ml_kmalloc_bucket(u64 size)
{
	return size <= KMALLOC_MAX_SIZE ? kmalloc_size_roundup(size) : 0;
}

/*
 * Registering a shrinker: 6.7 replaced register_shrinker() on a struct of
 * the caller's with shrinker_alloc(), shrinker_register() and
 * shrinker_free() (and SHRINKER_ALLOCATED came with them).
 * ml_shrinker_create() returns a registered shrinker or NULL,
 * ml_shrinker_destroy() unregisters and frees it.
 */
#include <linux/mm.h>
#include <linux/shrinker.h>

typedef unsigned long (*ml_shrink_fn)(struct shrinker *s, struct shrink_control *sc);

#ifdef SHRINKER_ALLOCATED
static inline struct shrinker *ml_shrinker_create(ml_shrink_fn count, ml_shrink_fn scan,
						  const char *name)
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
	return s;
}

static inline void ml_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static inline struct shrinker *ml_shrinker_create(ml_shrink_fn count, ml_shrink_fn scan,
						  const char *name)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;	/* shrinker_alloc()'s default; 0 divides by 0 */
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
}

static inline void ml_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#endif

#endif /* MEMLAB_COMPAT_H */
