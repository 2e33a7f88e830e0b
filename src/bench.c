// SPDX-License-Identifier: GPL-2.0
/*
 * bench: placeholder until the benchmark lands (issue "Measure").
 */
#include <linux/debugfs.h>

#include "memlab.h"

int ml_bench_run(const struct ml_cmd *cmd)
{
	return -EOPNOTSUPP;
}

int ml_bench_debugfs_init(struct dentry *dir)
{
	return 0;
}

void ml_bench_stop(void)
{
}
