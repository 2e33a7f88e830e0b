// SPDX-License-Identifier: GPL-2.0
/*
 * memlab: see how the kernel allocates memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/debugfs.h>

#define MEMLAB_VERSION "0.1.0"

static struct proc_dir_entry *ml_proc_dir;
static struct dentry *ml_debug_dir;

static int __init memlab_init(void)
{
	ml_proc_dir = proc_mkdir("memlab", NULL);
	if (!ml_proc_dir)
		return -ENOMEM;
	ml_debug_dir = debugfs_create_dir("memlab", NULL);
	pr_info("loaded, version %s\n", MEMLAB_VERSION);
	return 0;
}

static void __exit memlab_exit(void)
{
	debugfs_remove_recursive(ml_debug_dir);
	proc_remove(ml_proc_dir);
	pr_info("unloaded: reclaimed 0 allocations, 0 bytes\n");
}

module_init(memlab_init);
module_exit(memlab_exit);

MODULE_DESCRIPTION("memlab: see how the kernel allocates memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMLAB_VERSION);
MODULE_AUTHOR("memlab developers");
