// SPDX-License-Identifier: GPL-2.0
/*
 * The table of strategies, indexed by the tokens' order in the contract.
 */
#include "memlab.h"

const struct ml_strategy_ops *const ml_strategies[ML_NR_STRATEGIES] = {
	[ML_KMALLOC]		= &ml_kmalloc_ops,
	[ML_KZALLOC]		= &ml_kzalloc_ops,
	[ML_VMALLOC]		= &ml_vmalloc_ops,
	[ML_KVMALLOC]		= &ml_kvmalloc_ops,
	[ML_KMEM_CACHE]		= &ml_kmem_cache_ops,
	[ML_ALLOC_PAGES]	= &ml_alloc_pages_ops,
	[ML_MEMPOOL]		= &ml_mempool_ops,
	[ML_PERCPU]		= &ml_percpu_ops,
};

/* The request limits the parser enforces (E2BIG beyond them). */
void ml_limits(struct ml_limits *lim)
{
	int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++)
		lim->max_size[s] = ml_strategies[s]->limit();
}
