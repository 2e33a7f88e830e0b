// SPDX-License-Identifier: GPL-2.0
/*
 * The table of strategies, in the order of the contract's tokens. Every
 * allocation and free memlab makes, and the parser's names and limits, come
 * from here.
 */
/* Here only: included by every file, it grew memlab.ko from 3 to 4 MiB. */
#include <linux/memcontrol.h>

#include "memlab.h"

static const struct ml_strategy_ops *const ml_strategies[ML_NR_STRATEGIES] = {
	[ML_KMALLOC]		= &ml_kmalloc_ops,
	[ML_KZALLOC]		= &ml_kzalloc_ops,
	[ML_VMALLOC]		= &ml_vmalloc_ops,
	[ML_KVMALLOC]		= &ml_kvmalloc_ops,
	[ML_KMEM_CACHE]		= &ml_kmem_cache_ops,
	[ML_ALLOC_PAGES]	= &ml_alloc_pages_ops,
	[ML_MEMPOOL]		= &ml_mempool_ops,
	[ML_PERCPU]		= &ml_percpu_ops,
};

/**
 * ml_ops() - the table entry of a strategy
 * @s: a strategy, below ML_NR_STRATEGIES
 */
const struct ml_strategy_ops *ml_ops(enum ml_strategy s)
{
	return ml_strategies[s];
}

/**
 * ml_strategy_name() - the token of a strategy ("kmalloc", ...)
 * @s: a strategy, below ML_NR_STRATEGIES
 */
const char *ml_strategy_name(enum ml_strategy s)
{
	return ml_strategies[s]->name;
}

/**
 * ml_strategy_cost() - what the cap reserves for one allocation
 * @s: a strategy
 * @size: its request
 * @pool: the size's pool for the has_pool strategies, else NULL
 *
 * Return: the most the kernel may hand out for it: the strategy's cost, or
 * its bytes where the kernel adds nothing.
 */
u64 ml_strategy_cost(enum ml_strategy s, u64 size, const struct ml_pool *pool)
{
	const struct ml_strategy_ops *st = ml_strategies[s];

	return st->cost ? st->cost(size, pool) : st->bytes(size, pool);
}

/**
 * ml_parse_table_fill() - what the parser needs of each strategy
 * @t: filled with each strategy's token, limit, may_sleep, leak_seen,
 *	nowait_refused and accounted, and whether any cgroup is charged
 */
void ml_parse_table_fill(struct ml_parse_table *t)
{
	int s;

	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		t->name[s] = ml_strategies[s]->name;
		t->limit[s] = ml_strategies[s]->limit();
		t->may_sleep[s] = ml_strategies[s]->may_sleep;
		t->leak_seen[s] = ml_strategies[s]->leak_seen;
		t->nowait_refused[s] = ml_strategies[s]->nowait_refused;
		t->accounted[s] = ml_strategies[s]->accounted;
	}
	/*
	 * "account" charges the caller's memory cgroup, which needs
	 * CONFIG_MEMCG and the controller not disabled at boot
	 * (cgroup_disable=memory): mem_cgroup_disabled() answers both, on every
	 * supported kernel. The kmem key (memcg_kmem_enabled() on 6.1,
	 * memcg_kmem_online() from 6.2) is no answer: it turns on only when the
	 * first cgroup below the root is made.
	 */
	t->no_memcg = mem_cgroup_disabled();
}
