// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "control": one command per write(2). A successful write returns
 * its full length; a failed one returns the errno, changes nothing and logs
 * one rate-limited line "memlab: control: <reason>". Reading it prints the
 * command summary.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/ratelimit.h>

#include "memlab.h"

static const char ml_control_help[] =
	"# memlab control: one command per write\n"
	"alloc <strategy> <size> [<count>] [atomic|nowait] [account] [reclaimable]\n"
	"leak <strategy> <size> [<count>]\n"
	"free <strategy> [every <n>]\n"
	"free all\n"
	"free <id>\n"
	"reset\n"
	"bench <strategy> <size> [<iterations>] [pair|batch]\n"
	"# strategies: kmalloc kzalloc vmalloc kvmalloc kmem_cache alloc_pages mempool percpu\n"
	"# sizes: decimal bytes with an optional K, M or G suffix (powers of 1024)\n";

static void ml_control_refuse(int err, const char *reason)
{
	pr_info_ratelimited("control: %s (%s)\n", reason,
			    err == -EINVAL ? "EINVAL" : err == -E2BIG ? "E2BIG" :
			    err == -ENOSPC ? "ENOSPC" : err == -ENOMEM ? "ENOMEM" :
			    err == -ENOENT ? "ENOENT" : err == -EBUSY ? "EBUSY" :
			    err == -EINTR ? "EINTR" : err == -EFAULT ? "EFAULT" : "error");
}

/* The reason for a failure whose code did not give one. */
static const char *ml_control_reason(int err)
{
	switch (err) {
	case -ENOSPC:
		return ML_WHY_CAP;
	case -ENOMEM:
		return ML_WHY_ALLOCATOR;
	case -ENOENT:
		return "no live allocation has that id";
	case -EBUSY:
		return "reset refused while allocations are live";
	case -EINTR:
		return ML_WHY_INTR;
	default:
		return "failed";
	}
}

/**
 * ml_control_exec() - parse and run one command
 * @buf: the command, not NUL-terminated
 * @len: its length
 *
 * Return: 0 or a negative errno; a failure is logged with its reason.
 */
int ml_control_exec(const char *buf, size_t len)
{
	const char *why = NULL;
	struct ml_parse_table t;
	struct ml_cmd cmd;
	int err;

	ml_parse_table_fill(&t);
	err = ml_parse(buf, len, &t, &cmd);
	if (err) {
		ml_control_refuse(err, cmd.reason);
		return err;
	}

	switch (cmd.op) {
	case ML_OP_ALLOC:
		err = ml_alloc(cmd.strategy, cmd.size, cmd.count,
			       cmd.atomic ? ML_CTX_ATOMIC : cmd.nowait ? ML_CTX_NOWAIT :
			       ML_CTX_PROCESS,
			       (cmd.reclaimable ? ML_ALLOC_RECLAIMABLE : 0) |
			       (cmd.account ? ML_ALLOC_ACCOUNT : 0), NULL, &why);
		break;
	case ML_OP_LEAK:
		err = ml_alloc(cmd.strategy, cmd.size, cmd.count, ML_CTX_LEAKED, 0, NULL, &why);
		break;
	case ML_OP_FREE_STRATEGY:
		ml_free_strategy(cmd.strategy, cmd.every, NULL);
		break;
	case ML_OP_FREE_ALL:
		ml_free_strategy(-1, 0, NULL);
		break;
	case ML_OP_FREE_ID:
		err = ml_free_id(cmd.id);
		break;
	case ML_OP_RESET:
		err = ml_stats_reset();
		if (!err)
			ml_latency_reset();
		break;
	case ML_OP_BENCH:
		err = ml_bench_run(&cmd, &why);
		break;
	}
	if (err)
		ml_control_refuse(err, why ?: ml_control_reason(err));
	return err;
}

static ssize_t ml_control_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[ML_CMD_MAX];
	int err;

	if (len > ML_CMD_MAX) {
		ml_control_refuse(-EINVAL, "command too long");
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len)) {
		ml_control_refuse(-EFAULT, "cannot read the command from the writer's memory");
		return -EFAULT;
	}
	err = ml_control_exec(buf, len);
	return err ? err : len;
}

static int ml_control_show(struct seq_file *m, void *v)
{
	seq_puts(m, ml_control_help);
	return 0;
}

static int ml_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, ml_control_show, NULL);
}

static const struct file_operations ml_control_fops = {
	.owner = THIS_MODULE,
	.open = ml_control_open,
	.read = seq_read,
	.write = ml_control_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int ml_control_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("control", 0600, dir, NULL, &ml_control_fops);
	return 0;
}
