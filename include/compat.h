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
 * Memory allocation profiling (6.10, /proc/allocinfo) charges each
 * allocation to the call site whose alloc_hooks() it runs under: kmalloc()
 * and the rest are macros that make their caller that site. memlab's
 * mempool allocates inside pool.c, under the pool's lock; strat_mempool.c
 * wraps that call in ml_alloc_hooks() to be its site, as each strategy is
 * in its own file, and pool.c calls mempool_alloc_noprof(), which sets
 * none. Before 6.10 neither exists, and nothing is charged.
 */
#ifdef alloc_hooks
#define ml_alloc_hooks(alloc)	alloc_hooks(alloc)
#else
#define ml_alloc_hooks(alloc)	(alloc)
#define mempool_alloc_noprof	mempool_alloc
#endif

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

/*
 * The page-table walk (pagetable.c), section of the arm64 work.
 *
 * The kernel's own tables start at init_mm.pgd, which pgd_offset_k()
 * reads; neither x86 nor arm64 exports init_mm to modules. memlab starts
 * where the MMU starts for a kernel address: on x86 the table CR3 holds,
 * the current process's, whose kernel half is the same in every process
 * (made at boot, copied into each new one); on arm64 the table TTBR1_EL1
 * holds, swapper_pg_dir, which is init_mm.pgd itself. Its address in the
 * register: bits 47..1 (bit 0 is CnP, 63..48 the ASID), and with 52-bit
 * physical addresses bits 51..48 of the address in bits 5..2
 * (phys_to_ttbr()).
 *
 * How many levels the tables have is known at run time: x86 folds its p4d
 * when the CPU has no la57 (or the kernel was booted no5lvl), arm64 from 6.9
 * its pud where the CPU cannot address 52 bits (LPA2); mm_p4d_folded() and
 * its siblings say so on every kernel (the mm is not looked at for the
 * kernel's tables).
 *
 * pXd_leaf() has that name on every supported kernel: 6.1's x86 defines it
 * as pXd_large(), which 6.9 removed, so memlab never says pXd_large().
 */
#include <linux/pgtable.h>
#ifdef CONFIG_X86
#include <linux/sched.h>
#include <linux/mm_types.h>
#include <asm/processor.h>
#endif
#ifdef CONFIG_ARM64
#include <asm/sysreg.h>
#endif

static inline pgd_t *ml_pgd_offset_k(unsigned long addr)
{
#if defined(CONFIG_X86)
	return pgd_offset_pgd(__va(read_cr3_pa()), addr);
#elif defined(CONFIG_ARM64)
	u64 ttbr = read_sysreg(ttbr1_el1);
	phys_addr_t pa = ttbr & GENMASK_ULL(47, 1);

	if (IS_ENABLED(CONFIG_ARM64_PA_BITS_52))
		pa = (ttbr & GENMASK_ULL(47, 6)) | ((ttbr & GENMASK_ULL(5, 2)) << 46);
	return pgd_offset_pgd(__va(pa & PAGE_MASK), addr);
#else
	return pgd_offset_k(addr);
#endif
}

/* Levels the kernel's page tables have: 2 to 5. */
static inline unsigned int ml_pt_levels(void)
{
	return 2 + !mm_p4d_folded(NULL) + !mm_pud_folded(NULL) + !mm_pmd_folded(NULL);
}

/*
 * What the cap charges for a vmalloc area (strat_vmalloc.c), section of the
 * cap work.
 *
 * An area that may be mapped with huge pages (VM_ALLOW_HUGE_VMAP, which
 * kvmalloc() passes) is rounded up to the page size that maps it, and every
 * page of it is allocated: from PMD_SIZE up to whole PMDs where the
 * architecture maps the vmalloc area with them
 * (CONFIG_HAVE_ARCH_HUGE_VMALLOC; x86's PSE, arm64), below that to the
 * architecture's contiguous-PTE size where it has one
 * (arch_vmap_pte_supported_shift(): arm64's CONT_PTE_SIZE, PAGE_SHIFT
 * elsewhere). PMD_SIZE is the running kernel's: 2 MiB with 4 KiB pages,
 * 32 MiB with arm64's 16 KiB. ml_vmalloc_huge_size() is the most an area of
 * @size takes; the kernel falls back to small pages when it cannot find huge
 * ones (or was booted nohugevmalloc), which memlab sees after allocating.
 */
#include <linux/vmalloc.h>

static inline u64 ml_vmalloc_huge_size(u64 size)
{
	if (!IS_ENABLED(CONFIG_HAVE_ARCH_HUGE_VMALLOC))
		return PAGE_ALIGN(size);
	if (size >= PMD_SIZE)
		return ALIGN(size, PMD_SIZE);
	return ALIGN(size, 1ULL << arch_vmap_pte_supported_shift(size));
}

/*
 * "nowait" (GFP_NOWAIT) with vmalloc and kvmalloc, section of the GFP work.
 *
 * Up to 6.18 vmalloc needs __GFP_DIRECT_RECLAIM: its kernel-doc says
 * GFP_NOWAIT is not supported (it allocates page tables and the area with
 * GFP_KERNEL whatever the caller asked), and kvmalloc() gives up where it
 * would fall back to vmalloc ("non-sleeping allocations are not supported
 * by vmalloc"). 6.19 (Uladzislau Rezki's series) made vmalloc and
 * kvmalloc serve GFP_NOWAIT and GFP_ATOMIC: 7.3's slab.h says so. memlab
 * refuses "nowait" for them where the kernel cannot. The change brought no
 * name to test; SLAB_NO_SHEAVES (7.0, when every cache got sheaves) marks
 * kernels that have it, and 6.19 is refused, to be safe.
 */
#ifdef SLAB_NO_SHEAVES
#define ML_VMALLOC_BLOCKS	false
#else
#define ML_VMALLOC_BLOCKS	true
#endif

/*
 * examples/membugs.c's double free under SLUB debugging (slub_debug=F).
 * Up to 6.11 kfree() rewrote the object's free pointer
 * (slab_free_freelist_hook()) before SLUB's checks ran: freeing an object
 * already on its slab's free list cut the list there, SLUB said "Object
 * already free" and, at a later free, "Wrong object count", and the
 * objects after it were lost (seen on 6.1). 6.12 frees one object on a
 * path of its own, and SLUB refuses the second kfree() with nothing
 * changed. kmem_cache_create() became a macro in 6.12 (struct
 * kmem_cache_args): it marks those kernels.
 */
#ifdef kmem_cache_create
#define ML_SLUB_CATCHES_DOUBLE_FREE	true
#else
#define ML_SLUB_CATCHES_DOUBLE_FREE	false
#endif

#endif /* MEMLAB_COMPAT_H */
