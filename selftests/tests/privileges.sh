#!/bin/bash
# Privileges (issue 7): every l4lb command, reads included, needs
# CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM; see the
# UAPI header). Callers without it get EPERM for each command and change
# nothing:
#   - an unprivileged user in the LB's netns (cli.sh already tries -A as
#     one; here every command, and l4lbadm's reads);
#   - root in a new user namespace, in the LB's netns (unshare -Ur: its
#     capabilities do not cover a netns the initial userns owns);
#   - root in a new user namespace with its own netns (unshare -Urn: full
#     capabilities over that netns, still none in the initial userns);
#   - an unprivileged user doing unshare -Urn itself (if the kernel lets
#     unprivileged users create user namespaces).
. "$(dirname "$0")/../lib.sh"

FUZZ=$L4LB_DIR/selftests/fuzz/l4lbfuzz
[ -x "$FUZZ" ] || fail "$FUZZ missing: run make on the host"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

module_load
ns_add lb
adm lb -A -t 10.0.0.100:80 -s rr
adm lb -a -t 10.0.0.100:80 -r 10.0.0.11 -w 2
adm lb --set 100 20 30
state() { adm lb -L -n; adm lb -L --timeout; nsx lb "$L4LBINFO"; }
before=$(state)

# probe WHO CMD...: l4lbfuzz -P (every command, each must get EPERM), then
# l4lbadm writing and reading, each must exit 2 saying why.
probe() {
	local who=$1 out rc
	shift
	out=$("$@" "$FUZZ" -P 2>&1) || fail "$who: l4lbfuzz -P: $out"
	log "$who: $(echo "$out" | tail -n 1)"
	# The user-facing side: one write and one read through l4lbadm.
	for args in "-C" "-L -n"; do
		rc=0
		# shellcheck disable=SC2086 # the words are options
		out=$("$@" "$L4LBADM" $args 2>&1) || rc=$?
		[ "$rc" = 2 ] && [[ $out == *"Permission denied"* ]] ||
			fail "$who: l4lbadm $args: exit $rc: $out"
	done
	log "$who: l4lbadm writes and reads refused: $out"
	[ "$(state)" = "$before" ] || fail "$who: the configuration changed: $(diff <(echo "$before") <(state))"
	log "$who: table, timeouts and GET_INFO counts unchanged"
}

probe "nobody in the LB's netns" nsx lb "${nobody[@]}"
probe "userns root in the LB's netns (unshare -Ur)" nsx lb unshare -Ur
probe "userns root in its own netns (unshare -Urn)" nsx lb unshare -Urn
if nsx lb "${nobody[@]}" unshare -Urn true 2>/dev/null; then
	probe "nobody's own userns and netns (setpriv, unshare -Urn)" \
		nsx lb "${nobody[@]}" unshare -Urn
else
	log "unprivileged users cannot create user namespaces here: that case is moot"
fi
