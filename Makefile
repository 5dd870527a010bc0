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
#                   units, example config (DESTDIR, PREFIX); make uninstall
#   make dkms-src   the module's sources for DKMS in $(DESTDIR)/usr/src
#   make deb        Debian packages l4lb-dkms and l4lb in build/deb
# make and make install install only what building needs (as root; else
# they name what is missing); the test targets also what testing needs.

# The kernel to build for: KDIR=DIR or KVER=VERSION; else the running
# kernel's headers when installed, else the newest installed (version
# order). Resolved each time a recipe uses it, so after `deps` has
# installed headers (never from make's cached directory listing).
# The test targets build for the kernel the VM boots instead: TEST_KDIR,
# the newest installed headers (as selftests/run.sh), or KDIR/KVER if given.
# (MODULES_ROOT and DEPS: for install-check's fresh-machine test.)
MODULES_ROOT ?= /lib/modules
DEPS ?= ./selftests/deps.sh
newest_kdir = $(shell ls -d $(MODULES_ROOT)/*/build 2>/dev/null | sort -V | tail -n 1)
running_kdir = $(shell d=$(MODULES_ROOT)/$$(uname -r)/build; [ -d "$$d" ] && echo "$$d")
ifneq ($(origin KDIR),undefined)
TEST_KDIR = $(KDIR)
else ifneq ($(origin KVER),undefined)
KDIR = $(MODULES_ROOT)/$(KVER)/build
TEST_KDIR = $(KDIR)
else
KDIR = $(or $(running_kdir),$(newest_kdir))
TEST_KDIR = $(newest_kdir)
endif
KVER ?= $(notdir $(patsubst %/build,%,$(KDIR)))
PREFIX ?= /usr/local
DESTDIR ?=
# Where modprobe prefers a module over the kernel's own.
MODDIR ?= /lib/modules/$(KVER)/updates
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC ?= /usr/src/l4lb-$(VERSION)
# Built packages land here (make deb).
DEBDIR ?= $(CURDIR)/build/deb
# The test targets: their own packages, then everything for TEST_KDIR.
TEST_MAKE = $(MAKE) KDIR=$(TEST_KDIR)

.PHONY: all deps test-deps module userspace selftest-tools check check-extended unit vmtest \
	demo bench install uninstall dkms-src install-check clean check-debug \
	profile deb deb-root kdir

all: module userspace selftest-tools

# What building needs (compiler, libraries, the headers of KVER); as
# root it installs what is missing, else it names it and fails.
deps:
	@$(DEPS) build $(KVER)

# The kernel trees a build and a test run would use, after deps.
kdir: deps
	@echo "KDIR=$(KDIR) KVER=$(KVER) TEST_KDIR=$(TEST_KDIR)"

# What the test targets need on top: qemu, the VM's kernel, the servers
# and tools the selftests run, the packaging tools.
test-deps:
	@$(DEPS) test

module: deps
	@[ -d "$(KDIR)" ] || { echo "no kernel headers (KDIR=$(KDIR))" >&2; exit 1; }
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
	$(MAKE) -C selftests/unit

unit: userspace
	$(MAKE) -C userspace test
	$(MAKE) -C selftests/unit test

vmtest: test-deps
	$(TEST_MAKE) all
	KDIR=$(TEST_KDIR) ./selftests/run.sh $(T)

# The packages too (for install-check's lintian and the deb selftest),
# unless T names other tests only.
check: test-deps
	$(TEST_MAKE) all $(if $(T),$(if $(filter deb,$(T)),deb-root),deb-root)
	@KDIR=$(TEST_KDIR) ./selftests/check.sh $(T)

# Not part of .ci/run: the variants and soak runs of what make check covers
# (tests with "# lane: extended"), about 10 minutes.
check-extended: test-deps
	$(TEST_MAKE) all deb-root
	L4LB_LANE=extended KDIR=$(TEST_KDIR) ./selftests/run.sh

# Not part of .ci/run: builds a debug kernel once (~40+ min), see README.md.
check-debug: test-deps
	$(TEST_MAKE) all
	@KDIR=$(TEST_KDIR) ./selftests/debug/check.sh $(T)

demo: test-deps
	$(TEST_MAKE) all
	KDIR=$(TEST_KDIR) ./selftests/run.sh --demo

bench: test-deps
	$(TEST_MAKE) all
	KDIR=$(TEST_KDIR) ./selftests/bench/host.sh

# PROFILE_SCENARIOS=nat_cps: per connection, both CPUs.
PROFILE_SCENARIOS ?= dr_udp nat_udp
profile: test-deps
	$(TEST_MAKE) all
	$(MAKE) -C selftests/bench
	KDIR=$(TEST_KDIR) L4LB_INSNCOUNT=$(CURDIR)/build/insn L4LB_INSNCOUNT_ARGS=prof=on \
		./selftests/run.sh --shell "PROFILE=1 PROFILE_SCENARIOS='$(PROFILE_SCENARIOS)' bash selftests/bench.sh"

# A plain copy rather than the kernel's modules_install, which would also
# write depmod's index files under DESTDIR; depmod runs only for a real
# install (no DESTDIR), where it must.
install: module userspace
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
	install -m 644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h \
		$(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 644 include/uapi/linux/l4lb.h $(DESTDIR)$(DKMS_SRC)/include/uapi/linux/

# Debian packages l4lb-dkms and l4lb in $(DEBDIR), built from a copy of
# the sources (dpkg-buildpackage writes next to the source tree).
deb:
	@./selftests/deps.sh deb
	rm -rf $(DEBDIR)
	mkdir -p $(DEBDIR)/l4lb-$(VERSION)
	tar -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
		--exclude=Module.symvers \
		--exclude=userspace/l4lbadm --exclude=userspace/l4lbd/l4lbd \
		--exclude='test_*[!c]' \
		Makefile Kbuild dkms.conf debian include kmod userspace | \
		tar -x -C $(DEBDIR)/l4lb-$(VERSION)
	cd $(DEBDIR)/l4lb-$(VERSION) && DEB_BUILD_OPTIONS=noddebs dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -n 40 $(DEBDIR)/build.log; exit 1; }
	rm -rf $(DEBDIR)/l4lb-$(VERSION)
	@ls $(DEBDIR)/*.deb

# The packages installed (dpkg -i, DKMS building the module for TEST_KDIR's
# kernel) into an overlay of / whose upper layer is $(DEBDIR)/root: the
# deb selftest boots with it, the VM cannot build. This host is unchanged.
deb-root: deb
	./selftests/deb-root.sh $(DEBDIR) $(notdir $(patsubst %/build,%,$(TEST_KDIR)))

# Host-side: install/uninstall into a scratch DESTDIR, man pages, completion,
# dkms build, lintian (selftests/install-check.sh; part of make check).
install-check: all deb
	./selftests/install-check.sh

clean:
	[ ! -d "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace/l4lbd clean
	$(MAKE) -C selftests/fuzz clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/splat clean
	$(MAKE) -C selftests/tools clean
	$(MAKE) -C selftests/unit clean
