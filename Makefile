# l4lb top-level build.
#   make            module (kmod/l4lb.ko) and userland (userspace/l4lbadm, l4lbd)
#   make check      userland unit tests on the host, then every selftest in a VM
#   make check T=x  only selftests/x.sh
#   make demo       DR demo in a VM
#   make bench      l4lb vs IPVS vs plain forwarding, in a VM
#   make install    module, tools, header, man pages (DESTDIR, PREFIX)

# The newest installed headers, not `uname -r`: this host's own kernel has none.
KDIR ?= $(lastword $(sort $(wildcard /lib/modules/*/build)))
KVER ?= $(notdir $(patsubst %/build,%,$(KDIR)))
PREFIX ?= /usr/local
DESTDIR ?=
export KDIR KVER

.PHONY: all deps module userspace selftest-tools check unit vmtest demo bench install uninstall clean

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

unit: userspace
	$(MAKE) -C userspace test

vmtest: all
	./selftests/run.sh $(T)

check: all
	@./selftests/check.sh $(T)

demo: all
	./selftests/run.sh --demo

bench: all
	./selftests/bench/host.sh

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(MAKE) -C userspace/l4lbd install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	install -D -m 644 include/uapi/linux/l4lb.h $(DESTDIR)$(PREFIX)/include/linux/l4lb.h

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/kmod/l4lb.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	$(MAKE) -C userspace/l4lbd uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	rm -f $(DESTDIR)$(PREFIX)/include/linux/l4lb.h

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace/l4lbd clean
	$(MAKE) -C selftests/fuzz clean
