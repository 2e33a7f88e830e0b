/* SPDX-License-Identifier: GPL-2.0 */
/* The tiny shim that lets the host compile src/parse.c: kernel type names. */
#ifndef MEMLAB_HOST_H
#define MEMLAB_HOST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
typedef uint64_t u64;
typedef uint32_t u32;
#endif
