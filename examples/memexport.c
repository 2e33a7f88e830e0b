// SPDX-License-Identifier: GPL-2.0
/*
 * memexport: a module that offers a function to other modules.
 *
 * EXPORT_SYMBOL_GPL() below puts memexport_alloc() in the kernel's table of
 * symbols that modules may call, for modules under the GPL only. memimport.ko
 * calls it; so memimport cannot be loaded before memexport, and memexport
 * cannot be unloaded while memimport is loaded:
 *
 *	insmod memimport.ko		fails: "Unknown symbol memexport_alloc"
 *	insmod memexport.ko
 *	insmod memimport.ko		works, and says what the call returned
 *	rmmod memexport			refused: memimport uses it
 *	rmmod memimport
 *	rmmod memexport
 */

/* Every pr_info() line below starts with "memexport: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memexport.h"

/**
 * memexport_alloc() - allocate a buffer, use it and free it
 * @size: how many bytes to ask kmalloc() for
 *
 * The smallest service one module can offer another: it takes @size bytes
 * with GFP_KERNEL, fills them and frees them, and says how much the slab
 * allocator really set aside. EXPORT_SYMBOL_GPL() puts it in the kernel's
 * table of symbols for modules, for GPL modules only: a module without a
 * GPL-compatible MODULE_LICENSE() that calls it does not build (modpost),
 * and does not load ("Unknown symbol").
 *
 * Context: Process context; may sleep.
 * Return: the size of the kmalloc bucket that held the buffer (at least
 * @size: 128 for 100), -EINVAL if @size is 0 or above KMALLOC_MAX_SIZE,
 * -ENOMEM if the allocation failed.
 */
ssize_t memexport_alloc(size_t size)
{
	size_t bucket;
	void *buf;

	if (!size || size > KMALLOC_MAX_SIZE)
		return -EINVAL;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	/* What kmalloc() rounded @size up to: the object it handed out. */
	bucket = ksize(buf);
	memset(buf, 0x5a, size);
	kfree(buf);
	return bucket;
}
EXPORT_SYMBOL_GPL(memexport_alloc);

static int __init memexport_init(void)
{
	pr_info("loaded: memexport_alloc() is exported to GPL modules\n");
	return 0;
}

static void __exit memexport_exit(void)
{
	pr_info("goodbye\n");
}

module_init(memexport_init);
module_exit(memexport_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab example: export a function that allocates and frees, for memimport");
