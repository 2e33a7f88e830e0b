/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parser's strategy table as the kernel fills it (strategy.c): the
 * contract's tokens in its order, which may sleep, which kmemleak reports;
 * and the kernel's limits on x86_64 with 4 KiB pages (order 10 for pages,
 * a 64 MiB cap). For the host's unit tests and fuzzer.
 */
#ifndef ML_TABLE_H
#define ML_TABLE_H

#define ML_TABLE_TOKENS								\
	.name = { "kmalloc", "kzalloc", "vmalloc", "kvmalloc", "kmem_cache",		\
		  "alloc_pages", "mempool", "percpu" },				\
	.may_sleep = { [ML_VMALLOC] = true, [ML_KVMALLOC] = true },			\
	.leak_seen = { [ML_KMALLOC] = true, [ML_KZALLOC] = true, [ML_VMALLOC] = true,	\
		       [ML_KVMALLOC] = true, [ML_KMEM_CACHE] = true, [ML_MEMPOOL] = true }

#define ML_TABLE_LIMITS								\
	.limit = {								\
		[ML_KMALLOC]	 = 4194304,					\
		[ML_KZALLOC]	 = 4194304,					\
		[ML_VMALLOC]	 = 67108864,					\
		[ML_KVMALLOC]	 = 67108864,					\
		[ML_KMEM_CACHE]	 = 4194304,					\
		[ML_ALLOC_PAGES] = 4194304,					\
		[ML_MEMPOOL]	 = 4194304,					\
		[ML_PERCPU]	 = 32768,					\
	}

#endif
