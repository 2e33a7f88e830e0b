// SPDX-License-Identifier: GPL-2.0
/*
 * How each live allocation is mapped, from the kernel's page tables, the
 * same way on every architecture: pgd, p4d, pud, pmd, pte, as the MMU walks
 * them (pgd_offset, p4d_offset, pud_offset, pmd_offset, pte_offset_kernel,
 * and pXd_leaf() to stop at a large page). Two debugfs files, one row per
 * allocation after a '#' header:
 *
 * pagetable: id strategy region leaf pages runs pfn
 *
 * region  where its address lies: "direct" (the direct map of all RAM) or
 *         "vmalloc" (the vmalloc area); a per-CPU allocation is described by
 *         the copy of the first possible CPU, and is "percpu" when that copy
 *         is in the first chunk, the per-CPU area set up at boot (embedded
 *         in the direct map), "vmalloc" when it is in a chunk that the
 *         per-CPU allocator added later and mapped in the vmalloc area
 * leaf    the page size of the page-table entry that maps its first page:
 *         the size one entry of the leaf's level maps (4K, 2M, 1G with 4 KiB
 *         pages; 16K, 32M, 64G with 16 KiB pages)
 * pages   the pages its bytes span (for percpu, one copy's)
 * runs    how many runs of physically consecutive pages they form, from the
 *         page frame number behind each virtual page
 * pfn     the page frame number of its first page: a physical address, so
 *         the file is root's only (0400), as /proc/<pid>/pagemap gives page
 *         frame numbers to CAP_SYS_ADMIN only
 *
 * pagewalk: id strategy levels index leaf
 *
 * levels  how many levels the kernel's page tables have (4 or 5 on x86-64,
 *         3 or 4 on arm64), as the kernel folds them at run time
 * index   the entry's index in its table at each level, from the top down
 *         to the leaf's level, joined by '/': the virtual address cut into
 *         its fields, (addr >> shift) & (entries per table - 1)
 * leaf    as in pagetable
 *
 * Each row is made with its record pinned (ml_inspect_next()): found under
 * the index's lock, walked outside it with cond_resched(), so neither a
 * large allocation's walk nor a long file holds up commands or the
 * shrinker. No address is printed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "memlab.h"
#include "compat.h"

/* The most levels any kernel has: pgd, p4d, pud, pmd, pte. */
#define ML_PT_MAX_LEVELS	5
/* Pages looked at between two resched points. */
#define ML_PT_RESCHED_EVERY	1024

enum ml_region { ML_REGION_DIRECT, ML_REGION_VMALLOC, ML_REGION_PERCPU };

static const char *const ml_region_names[] = {
	[ML_REGION_DIRECT]	= "direct",
	[ML_REGION_VMALLOC]	= "vmalloc",
	[ML_REGION_PERCPU]	= "percpu",
};

/* The walk of one address. */
struct ml_walk {
	u8 levels;			/* the levels the tables have */
	u8 depth;			/* of them, walked down to the leaf; 0: unmapped */
	u8 leaf_shift;			/* log2 of the size the leaf maps */
	u16 index[ML_PT_MAX_LEVELS];	/* from the top, depth of them */
};

/* One row of either file: made under the lock, then walked. */
struct ml_pt_row {
	u8 strategy;
	u8 region;
	const void *addr;		/* only while pinned */
	u64 bytes;
	struct ml_walk walk;
	unsigned long pages;
	unsigned long runs;
	unsigned long pfn;
};

/*
 * The index of a page-table entry in its table. Tables are page-aligned,
 * the top one too (x86's CR3 and arm64's TTBR1 point to a page), and never
 * span more than a page.
 */
static u16 ml_pt_slot(const void *entry, size_t size)
{
	return offset_in_page(entry) / size;
}

/*
 * Level 0 is the pgd, 4 the pte. A kernel with fewer levels folds the upper
 * ones into the top: its top level is level ML_PT_MAX_LEVELS - levels, and
 * the entry the walk reaches there is the one the MMU reads (on x86 with
 * four levels the p4d entry is the pgd entry; on arm64 with a folded pud
 * the pud entry is an entry of the top table).
 */
static void ml_pt_leaf_at(struct ml_walk *w, const u16 *slot, unsigned int level,
			  unsigned int shift)
{
	unsigned int top = ML_PT_MAX_LEVELS - w->levels, i;

	level = max(level, top);
	w->depth = level - top + 1;
	for (i = 0; i < w->depth; i++)
		w->index[i] = slot[top + i];
	w->leaf_shift = shift;
}

/**
 * ml_pt_walk_addr() - walk the kernel's page tables for an address
 * @addr: a kernel virtual address
 * @w: set to what the walk found; w->depth is 0 when nothing maps @addr
 *
 * The walk of vmalloc_to_page(), down to the leaf, whatever its level.
 */
static void ml_pt_walk_addr(unsigned long addr, struct ml_walk *w)
{
	u16 slot[ML_PT_MAX_LEVELS];
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	memset(w, 0, sizeof(*w));
	w->levels = ml_pt_levels();

	pgd = ml_pgd_offset_k(addr);
	slot[0] = ml_pt_slot(pgd, sizeof(*pgd));
	if (pgd_none(READ_ONCE(*pgd)))
		return;
	if (pgd_leaf(READ_ONCE(*pgd))) {
		ml_pt_leaf_at(w, slot, 0, PGDIR_SHIFT);
		return;
	}
	if (pgd_bad(READ_ONCE(*pgd)))
		return;

	p4d = p4d_offset(pgd, addr);
	slot[1] = ml_pt_slot(p4d, sizeof(*p4d));
	if (p4d_none(READ_ONCE(*p4d)))
		return;
	if (p4d_leaf(READ_ONCE(*p4d))) {
		ml_pt_leaf_at(w, slot, 1, P4D_SHIFT);
		return;
	}
	if (p4d_bad(READ_ONCE(*p4d)))
		return;

	pud = pud_offset(p4d, addr);
	slot[2] = ml_pt_slot(pud, sizeof(*pud));
	if (pud_none(READ_ONCE(*pud)))
		return;
	if (pud_leaf(READ_ONCE(*pud))) {
		ml_pt_leaf_at(w, slot, 2, PUD_SHIFT);
		return;
	}
	if (pud_bad(READ_ONCE(*pud)))
		return;

	pmd = pmd_offset(pud, addr);
	slot[3] = ml_pt_slot(pmd, sizeof(*pmd));
	if (pmd_none(READ_ONCE(*pmd)))
		return;
	if (pmd_leaf(READ_ONCE(*pmd))) {
		ml_pt_leaf_at(w, slot, 3, PMD_SHIFT);
		return;
	}
	if (pmd_bad(READ_ONCE(*pmd)))
		return;

	pte = pte_offset_kernel(pmd, addr);
	slot[4] = ml_pt_slot(pte, sizeof(*pte));
	if (pte_present(ptep_get(pte)))
		ml_pt_leaf_at(w, slot, 4, PAGE_SHIFT);
}

/* A leaf's size as a learner reads it: 4K, 2M, 1G, 16K, 32M, 64G, ... */
static void ml_pt_leaf_show(struct seq_file *m, const struct ml_walk *w)
{
	static const char units[] = "KMGTPE";
	unsigned int shift = w->leaf_shift, u = 0;

	if (!w->depth) {
		seq_puts(m, "none");
		return;
	}
	/* From KiB up, to the largest unit that divides it. */
	shift -= 10;
	while (shift >= 10 && u + 1 < sizeof(units) - 1) {
		shift -= 10;
		u++;
	}
	seq_printf(m, "%lu%c", 1UL << shift, units[u]);
}

/* The page frame number behind a kernel virtual address. */
static unsigned long ml_pt_pfn(const void *addr)
{
	if (is_vmalloc_addr(addr))
		return vmalloc_to_pfn(addr);
	return __pa(addr) >> PAGE_SHIFT;
}

/**
 * ml_phys_runs() - runs of physically consecutive pages behind memory
 * @addr: a page-aligned kernel address, direct map or vmalloc area
 * @pages: how many pages from it
 *
 * Context: may sleep; the memory must stay mapped meanwhile.
 * Return: how many runs of consecutive page frames the pages form.
 */
unsigned long ml_phys_runs(const void *addr, unsigned long pages)
{
	unsigned long i, pfn, prev = 0, runs = 0;

	for (i = 0; i < pages; i++) {
		pfn = ml_pt_pfn(addr + i * PAGE_SIZE);
		if (i == 0 || pfn != prev + 1)
			runs++;
		prev = pfn;
		if (i % ML_PT_RESCHED_EVERY == ML_PT_RESCHED_EVERY - 1)
			cond_resched();
	}
	return runs;
}

/* Under the index's lock: where the allocation is, nothing walked yet. */
static void ml_pt_fill(const struct ml_obj *obj, void *arg)
{
	struct ml_pt_row *row = arg;
	union {				/* as struct ml_obj's own union */
		void *ptr;
		void __percpu *pcpu;
	} mem = { .ptr = ml_obj_mem(obj) };
	const void *addr;

	row->strategy = obj->strategy;
	row->bytes = obj->bytes_alloc;
	switch (obj->strategy) {
	case ML_ALLOC_PAGES:
		addr = page_address(mem.ptr);
		break;
	case ML_PERCPU:
		/* One copy, the first possible CPU's. */
		addr = per_cpu_ptr(mem.pcpu, cpumask_first(cpu_possible_mask));
		row->bytes = obj->bytes_req;
		break;
	default:
		addr = mem.ptr;
		break;
	}
	row->addr = addr;
	if (is_vmalloc_addr(addr))
		row->region = ML_REGION_VMALLOC;
	else if (obj->strategy == ML_PERCPU)
		row->region = ML_REGION_PERCPU;
	else
		row->region = ML_REGION_DIRECT;
}

/* Pinned, outside the lock: the first page's walk only (pagewalk). */
static void ml_pt_walk_first(const struct ml_obj *obj, void *arg)
{
	struct ml_pt_row *row = arg;

	ml_pt_walk_addr((unsigned long)row->addr, &row->walk);
	row->addr = NULL;
}

/* Pinned, outside the lock: the first page's walk and every page's frame. */
static void ml_pt_walk_all(const struct ml_obj *obj, void *arg)
{
	struct ml_pt_row *row = arg;
	const void *page = (const void *)((unsigned long)row->addr & PAGE_MASK);

	row->pages = DIV_ROUND_UP(offset_in_page(row->addr) + row->bytes, PAGE_SIZE);
	row->pfn = ml_pt_pfn(page);
	row->runs = ml_phys_runs(page, row->pages);
	ml_pt_walk_first(obj, arg);
}

static void ml_pagetable_show(struct seq_file *m, u32 id, const void *arg)
{
	const struct ml_pt_row *row = arg;

	seq_printf(m, "%u %s %s ", id, ml_strategy_name(row->strategy),
		   ml_region_names[row->region]);
	ml_pt_leaf_show(m, &row->walk);
	seq_printf(m, " %lu %lu %lu\n", row->pages, row->runs, row->pfn);
}

static void ml_pagewalk_show(struct seq_file *m, u32 id, const void *arg)
{
	const struct ml_pt_row *row = arg;
	const struct ml_walk *w = &row->walk;
	unsigned int i;

	seq_printf(m, "%u %s %u ", id, ml_strategy_name(row->strategy), w->levels);
	if (!w->depth)
		seq_putc(m, '-');
	for (i = 0; i < w->depth; i++)
		seq_printf(m, "%s%u", i ? "/" : "", w->index[i]);
	seq_putc(m, ' ');
	ml_pt_leaf_show(m, w);
	seq_putc(m, '\n');
}

static const struct ml_inspect_ops ml_pagetable_ops = {
	.header = "# id strategy region leaf pages runs pfn\n",
	.row_size = sizeof(struct ml_pt_row),
	.fill = ml_pt_fill,
	.walk = ml_pt_walk_all,
	.show = ml_pagetable_show,
};

static const struct ml_inspect_ops ml_pagewalk_ops = {
	.header = "# id strategy levels index leaf\n",
	.row_size = sizeof(struct ml_pt_row),
	.fill = ml_pt_fill,
	.walk = ml_pt_walk_first,
	.show = ml_pagewalk_show,
};

/**
 * ml_pagetable_debugfs_init() - create debugfs "pagetable" and "pagewalk"
 * @dir: memlab's debugfs directory
 *
 * Return: 0; debugfs failures are not fatal.
 */
int ml_pagetable_debugfs_init(struct dentry *dir)
{
	ml_inspect_debugfs_create("pagetable", dir, &ml_pagetable_ops);
	ml_inspect_debugfs_create("pagewalk", dir, &ml_pagewalk_ops);
	return 0;
}
