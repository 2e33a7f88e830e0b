# SPDX-License-Identifier: GPL-2.0
# memlab: build the module against KDIR, and drive the VM test rig.

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.1
export KERNEL

.PHONY: all modules check demo vm bench lint install clean help

all: modules

modules:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "memlab: no kernel build tree at $(KDIR); build against one with: make KDIR=/path/to/kernel/build"; \
		exit 1; \
	fi
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules

check:
	@sh tests/rig/check.sh

demo:
	@sh tests/rig/demo.sh

vm:
	@sh tests/rig/vm-shell.sh

bench:
	@sh tests/rig/bench.sh

lint:
	@sh tests/rig/lint.sh

install: modules
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules_install
	depmod -a "$$(basename "$$(dirname "$(KDIR)")")" 2>/dev/null || depmod -a

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	rm -rf out tests/unit/parse_test tests/fuzz/parse_fuzz

help:
	@echo "make [KDIR=...]   build memlab.ko"
	@echo "make check        run the whole test suite in virtual machines"
	@echo "make demo         the guided demonstration (KERNEL=6.1|6.12)"
	@echo "make vm           an interactive shell in a VM with memlab built"
	@echo "make bench        the benchmark matrix, CSV and PNG into out/bench"
	@echo "make lint         W=1, sparse, checkpatch, shellcheck"
	@echo "make install      install memlab.ko for the running kernel"
