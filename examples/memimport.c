// SPDX-License-Identifier: GPL-2.0
/*
 * memimport: a module that calls a function of another module.
 *
 * memexport_alloc() is not in the kernel: memexport.ko exports it. The
 * build (modpost) finds it in memexport's Module.symvers and writes
 * "depends=memexport" into this module's .modinfo, which modinfo shows and
 * depmod turns into a line of modules.dep; the kernel resolves the call
 * when it loads this module, and fails the load ("Unknown symbol") if
 * memexport is not loaded:
 *
 *	modinfo memimport.ko		depends:        memexport
 *	insmod memimport.ko		fails without memexport
 *	modprobe memimport		loads memexport first (after depmod)
 */

/* Every pr_info() line below starts with "memimport: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "memexport.h"

/* 100 bytes: not a kmalloc bucket, so the answer shows the rounding. */
#define MEMIMPORT_SIZE 100

static int __init memimport_init(void)
{
	ssize_t bucket;

	bucket = memexport_alloc(MEMIMPORT_SIZE);
	if (bucket < 0) {
		pr_err("memexport_alloc(%d) failed: %zd\n", MEMIMPORT_SIZE, bucket);
		return bucket;
	}

	pr_info("memexport_alloc(%d) returned %zd: kmalloc gave %zd bytes for %d\n",
		MEMIMPORT_SIZE, bucket, bucket, MEMIMPORT_SIZE);
	return 0;
}

static void __exit memimport_exit(void)
{
	pr_info("goodbye\n");
}

module_init(memimport_init);
module_exit(memimport_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab example: call memexport's exported function at load");
