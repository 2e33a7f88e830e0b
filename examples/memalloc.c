// SPDX-License-Identifier: GPL-2.0
/*
 * memalloc: the smallest module that allocates memory.
 *
 * Its init function asks the slab allocator for room for one int, uses it
 * and gives it back; its exit function only says goodbye, because nothing
 * is left to free by then. Load it and read the kernel log:
 *
 *	insmod memalloc.ko
 *	dmesg | tail -n 1
 *	rmmod memalloc
 */

/* Every pr_info() line below starts with "memalloc: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>

static int __init memalloc_init(void)
{
	int *value;

	/*
	 * GFP_KERNEL: we run in process context (insmod's), so the allocator
	 * may sleep to find memory. sizeof(*value) rather than sizeof(int):
	 * the size follows the pointer's type if that ever changes.
	 */
	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (!value) {
		/*
		 * kmalloc() has already logged the failure with a stack
		 * trace; one line of ours says which module gave up.
		 */
		pr_err("cannot allocate %zu bytes\n", sizeof(*value));
		return -ENOMEM;
	}

	*value = 42;
	pr_info("allocated an int at %p, it holds %d\n", value, *value);

	/*
	 * Free what we took, exactly once. The kernel has no garbage
	 * collector: without this kfree() the int would stay allocated
	 * until the machine reboots, even after rmmod.
	 */
	kfree(value);
	return 0;
}

static void __exit memalloc_exit(void)
{
	pr_info("goodbye\n");
}

module_init(memalloc_init);
module_exit(memalloc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab example: allocate, use and free one int with kmalloc");
