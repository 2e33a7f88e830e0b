/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memexport.h: what memexport.ko offers other modules. A module that
 * includes it and calls memexport_alloc() depends on memexport.ko: the
 * kernel will not load it until memexport is loaded.
 */
#ifndef MEMLAB_EXAMPLES_MEMEXPORT_H
#define MEMLAB_EXAMPLES_MEMEXPORT_H

#include <linux/types.h>

ssize_t memexport_alloc(size_t size);

#endif /* MEMLAB_EXAMPLES_MEMEXPORT_H */
