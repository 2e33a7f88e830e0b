// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "pagetable": how each live allocation is mapped. One row per
 * allocation, after a '#' header:
 *
 *   id strategy region leaf pages runs pfn
 *
 * region  where its address lies: "direct" (the direct map of all RAM) or
 *         "vmalloc" (the vmalloc area); a per-CPU allocation is described by
 *         the copy of the first possible CPU, and is "percpu" when that copy
 *         is in the first chunk, the per-CPU area set up at boot (embedded
 *         in the direct map), "vmalloc" when it is in a chunk that the
 *         per-CPU allocator added later and mapped in the vmalloc area
 * leaf    the page size of the page-table entry that maps its first page,
 *         from the kernel's own page-table walk (lookup_address() on x86)
 * pages   the pages its bytes span (for percpu, one copy's)
 * runs    how many runs of physically consecutive pages they form, from the
 *         page frame number behind each virtual page
 * pfn     the page frame number of its first page: a physical address, so
 *         the file is root's only (0400), as /proc/<pid>/pagemap gives page
 *         frame numbers to CAP_SYS_ADMIN only
 *
 * Each step computes one row under the index's lock (ml_inspect_next(): the
 * allocation cannot be freed meanwhile; nothing here sleeps) and prints it
 * outside, so a read holds the lock for one row at a time. No address is
 * printed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <asm/pgtable_types.h>

#include "memlab.h"

enum ml_region { ML_REGION_DIRECT, ML_REGION_VMALLOC, ML_REGION_PERCPU };

static const char *const ml_region_names[] = {
	[ML_REGION_DIRECT]	= "direct",
	[ML_REGION_VMALLOC]	= "vmalloc",
	[ML_REGION_PERCPU]	= "percpu",
};

/* One row, computed under the lock. */
struct ml_pt_row {
	u32 id;
	u8 strategy;
	u8 region;
	const char *leaf;
	unsigned long pages;
	unsigned long runs;
	unsigned long pfn;
};

/* The page frame number behind a kernel virtual address. */
static unsigned long ml_pt_pfn(const void *addr)
{
	if (is_vmalloc_addr(addr))
		return vmalloc_to_pfn(addr);
	return __pa(addr) >> PAGE_SHIFT;
}

/* The page size of the page-table entry that maps @addr. */
static const char *ml_pt_leaf(const void *addr)
{
#ifdef CONFIG_X86
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)addr, &level);

	if (!pte || !pte_present(*pte))
		return "none";
	switch (level) {
	case PG_LEVEL_4K:
		return "4K";
	case PG_LEVEL_2M:
		return "2M";
	case PG_LEVEL_1G:
		return "1G";
	}
	return "other";
#else
	return "?";
#endif
}

/**
 * ml_phys_runs() - runs of physically consecutive pages behind memory
 * @addr: a page-aligned kernel address, direct map or vmalloc area
 * @pages: how many pages from it
 *
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
	}
	return runs;
}

/* Pages spanned by [@addr, @addr + @bytes), and their physical runs. */
static void ml_pt_walk(struct ml_pt_row *row, const void *addr, u64 bytes)
{
	const void *page = (const void *)((unsigned long)addr & PAGE_MASK);

	row->leaf = ml_pt_leaf(addr);
	row->pages = DIV_ROUND_UP(offset_in_page(addr) + bytes, PAGE_SIZE);
	row->pfn = ml_pt_pfn(page);
	row->runs = ml_phys_runs(page, row->pages);
}

/* ml_inspect_next()'s callback: under the xarray's spinlock. */
static void ml_pt_fill(const struct ml_obj *obj, void *arg)
{
	struct ml_pt_row *row = arg;
	union {				/* as struct ml_obj's own union */
		void *ptr;
		void __percpu *pcpu;
	} mem = { .ptr = ml_obj_mem(obj) };
	const void *addr;
	u64 bytes = obj->bytes_alloc;

	row->id = obj->id;
	row->strategy = obj->strategy;
	switch (obj->strategy) {
	case ML_ALLOC_PAGES:
		addr = page_address(mem.ptr);
		break;
	case ML_PERCPU:
		/* One copy, the first possible CPU's. */
		addr = per_cpu_ptr(mem.pcpu, cpumask_first(cpu_possible_mask));
		bytes = obj->bytes_req;
		break;
	default:
		addr = mem.ptr;
		break;
	}
	if (is_vmalloc_addr(addr))
		row->region = ML_REGION_VMALLOC;
	else if (obj->strategy == ML_PERCPU)
		row->region = ML_REGION_PERCPU;
	else
		row->region = ML_REGION_DIRECT;
	ml_pt_walk(row, addr, bytes);
}

static void *ml_pt_find(struct seq_file *m, loff_t pos)
{
	unsigned long index = pos;

	return ml_inspect_next(&index, ml_pt_fill, m->private) ? m->private : NULL;
}

/* The position is the lowest id still to show: a restart resumes there. */
static void *ml_pt_start(struct seq_file *m, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return ml_pt_find(m, *pos);
}

static void *ml_pt_next(struct seq_file *m, void *v, loff_t *pos)
{
	*pos = v == SEQ_START_TOKEN ? 1 : ((struct ml_pt_row *)v)->id + 1ULL;
	return ml_pt_find(m, *pos);
}

static void ml_pt_stop(struct seq_file *m, void *v)
{
}

static int ml_pt_show(struct seq_file *m, void *v)
{
	const struct ml_pt_row *row = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# id strategy region leaf pages runs pfn\n");
		return 0;
	}
	seq_printf(m, "%u %s %s %s %lu %lu %lu\n", row->id, ml_strategy_name(row->strategy),
		   ml_region_names[row->region], row->leaf, row->pages, row->runs, row->pfn);
	return 0;
}

static const struct seq_operations ml_pt_sops = {
	.start = ml_pt_start,
	.next = ml_pt_next,
	.stop = ml_pt_stop,
	.show = ml_pt_show,
};

static int ml_pt_open(struct inode *inode, struct file *file)
{
	return seq_open_private(file, &ml_pt_sops, sizeof(struct ml_pt_row));
}

static const struct file_operations ml_pt_fops = {
	.owner = THIS_MODULE,
	.open = ml_pt_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/**
 * ml_pagetable_debugfs_init() - create debugfs "pagetable"
 * @dir: memlab's debugfs directory
 *
 * Return: 0; debugfs failures are not fatal.
 */
int ml_pagetable_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("pagetable", 0400, dir, NULL, &ml_pt_fops);
	return 0;
}
