# l4lb top-level build.
#   make            module (kmod/l4lb.ko) and userland (userspace/l4lbadm, l4lbd)
#   make check      userland unit tests on the host, then every selftest in a VM
#   make check T=x  only selftests/x.sh
#   make check-debug  the selftests on a KASAN/lockdep/kmemleak kernel
#   make demo       DR demo in a VM
#   make bench      l4lb vs IPVS vs plain forwarding, in a VM
#   make profile    where the LB's CPU spends its instructions per packet,
#                   plain vs IPVS vs l4lb, in a VM (qemu plugin insncount)
#   make install    module, tools, header, man pages, completion, systemd
#                   unit, example config (DESTDIR, PREFIX); make uninstall
#   make dkms-src   the module's sources for DKMS in $(DESTDIR)/usr/src

# The newest installed headers, not `uname -r`: this host's own kernel has none.
KDIR ?= $(lastword $(sort $(wildcard /lib/modules/*/build)))
KVER ?= $(notdir $(patsubst %/build,%,$(KDIR)))
PREFIX ?= /usr/local
DESTDIR ?=
# Where modprobe prefers a module over the kernel's own.
MODDIR ?= /lib/modules/$(KVER)/updates
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC ?= /usr/src/l4lb-$(VERSION)
export KDIR KVER

.PHONY: all deps module userspace selftest-tools check unit vmtest demo bench \
	install uninstall dkms-src install-check clean check-debug profile

all: module userspace selftest-tools

deps:
	@./selftests/deps.sh

module: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: deps
	$(MAKE) -C userspace
	$(MAKE) -C userspace/l4lbd

# Helpers the VM selftests run (the VM cannot build: its root is read-only).
selftest-tools: deps
	$(MAKE) -C selftests/fuzz
	$(MAKE) -C selftests/bench udpflood
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/splat modules
	$(MAKE) -C selftests/tools

unit: userspace
	$(MAKE) -C userspace test

vmtest: all
	./selftests/run.sh $(T)

check: all
	@./selftests/check.sh $(T)

# Not part of .ci/run: builds a debug kernel once (~40+ min), see README.md.
check-debug: all
	@./selftests/debug/check.sh $(T)

demo: all
	./selftests/run.sh --demo

bench: all
	./selftests/bench/host.sh

# PROFILE_SCENARIOS=nat_cps: per connection, both CPUs.
PROFILE_SCENARIOS ?= dr_udp nat_udp
profile: all
	$(MAKE) -C selftests/bench
	L4LB_INSNCOUNT=$(CURDIR)/build/insn L4LB_INSNCOUNT_ARGS=prof=on \
		./selftests/run.sh --shell "PROFILE=1 PROFILE_SCENARIOS='$(PROFILE_SCENARIOS)' bash selftests/bench.sh"

# A plain copy rather than the kernel's modules_install, which would also
# write depmod's index files under DESTDIR; depmod runs only for a real
# install (no DESTDIR), where it must.
install: all
	install -D -m 644 kmod/l4lb.ko $(DESTDIR)$(MODDIR)/l4lb.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(MAKE) -C userspace/l4lbd install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	install -D -m 644 include/uapi/linux/l4lb.h $(DESTDIR)$(PREFIX)/include/linux/l4lb.h

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/l4lb.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(MAKE) -C userspace/l4lbd uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	rm -f $(DESTDIR)$(PREFIX)/include/linux/l4lb.h

# What `dkms add` wants in /usr/src/l4lb-VERSION: Kbuild, kmod/, the UAPI.
dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/include/uapi/linux
	install -m 644 dkms.conf Kbuild $(DESTDIR)$(DKMS_SRC)/
	install -m 644 kmod/Kbuild kmod/*.c kmod/*.h $(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 644 include/uapi/linux/l4lb.h $(DESTDIR)$(DKMS_SRC)/include/uapi/linux/

# Host-side: install/uninstall into a scratch DESTDIR, man pages, completion,
# dkms build (selftests/install-check.sh; part of make check).
install-check: all
	./selftests/install-check.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace/l4lbd clean
	$(MAKE) -C selftests/fuzz clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/splat clean
	$(MAKE) -C selftests/tools clean
