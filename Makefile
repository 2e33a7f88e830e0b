# SPDX-License-Identifier: GPL-2.0
# memlab: build the module against KDIR, and drive the VM test rig.

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.1
export KERNEL

.PHONY: all modules check demo vm bench lint kernels install clean help

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

# The rig's kernels: the version each uses, and whether Debian has a newer one.
kernels:
	@sh tests/rig/kernels.sh

# make install [KDIR=...] [INSTALL_MOD_PATH=...]: memlab.ko into
# <INSTALL_MOD_PATH>/lib/modules/<release>/ (extra/ on 6.1, updates/ on
# 6.12, as kbuild does) for KDIR's kernel, then depmod for that release
# (read from KDIR, not from its path). Debian's
# headers name a signing key they do not ship: without the key, install
# unsigned rather than let sign-file fail.
install: krel = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' "$(KDIR)/include/generated/utsrelease.h" 2>/dev/null)
install: sigkey = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' "$(KDIR)/.config" 2>/dev/null)
install: modules
	@if [ -z "$(krel)" ]; then \
		echo "memlab: cannot read the kernel release of $(KDIR) (include/generated/utsrelease.h)"; \
		exit 1; \
	fi
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" $(if $(sigkey),$(if $(filter pkcs11:%,$(sigkey))$(wildcard $(KDIR)/$(sigkey) $(sigkey)),,CONFIG_MODULE_SIG_ALL=)) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b "$(INSTALL_MOD_PATH)") -a "$(krel)"

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C "$(KDIR)" M="$(CURDIR)" clean; fi
	rm -rf out tests/unit/parse_test tests/fuzz/parse_fuzz

help:
	@echo "make [KDIR=...]   build memlab.ko"
	@echo "make check        run the whole test suite in virtual machines"
	@echo "make demo         the guided demonstration (KERNEL=..., as make kernels names them)"
	@echo "make vm           an interactive shell in a VM with memlab built (KERNEL=...,"
	@echo "                  VM_APPEND=... adds to the kernel's command line)"
	@echo "make bench        the benchmark matrix, CSV and PNG into out/bench"
	@echo "make lint         W=1, sparse, checkpatch, shellcheck"
	@echo "make kernels      the rig's kernels: versions used, and newer ones in Debian"
	@echo "make install      install memlab.ko for the running kernel"
