// SPDX-License-Identifier: GPL-2.0
/*
 * ex05_kvmalloc_solution: exercise 05 (kvmalloc), solved. It asks kvmalloc()
 * for the 8 MiB that kmalloc() could not give, and keeps them until the
 * module is unloaded, so that you can find them in /proc/vmallocinfo.
 *
 * kvmalloc() first tries kmalloc() (quietly, without retrying hard); when
 * that fails, as it must above KMALLOC_MAX_SIZE, it falls back to
 * vmalloc(): 8 MiB of single pages, wherever they are, mapped one after
 * the other in the vmalloc area. vmallocinfo lists that area with the
 * function that asked for it.
 */

/* Every pr_info() line below starts with "ex05_kvmalloc_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>

/* Held from load to unload. */
static void *ex05_buf;

/*
 * No __init: vmallocinfo names the function that made each area when you
 * read it, and a module's __init code (and its names) is gone by then.
 */
static int ex05_kvmalloc_solution_init(void)
{
	ex05_buf = kvmalloc(SZ_8M, GFP_KERNEL);
	/* On failure vmalloc() has already said so ("vmalloc error: ..."). */
	if (!ex05_buf)
		return -ENOMEM;

	/* is_vmalloc_addr(): did the fallback to vmalloc() happen? */
	pr_info("kvmalloc(8 MiB) returned an object from %s\n",
		is_vmalloc_addr(ex05_buf) ? "vmalloc" : "kmalloc");
	return 0;
}

static void __exit ex05_kvmalloc_solution_exit(void)
{
	/* kvfree() frees either kind: it asks is_vmalloc_addr() too. */
	kvfree(ex05_buf);
	pr_info("goodbye\n");
}

module_init(ex05_kvmalloc_solution_init);
module_exit(ex05_kvmalloc_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 05 (solution): kvmalloc 8 MiB, and see it in vmallocinfo");
