/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * l4lb: a layer-4 load balancer, configured over generic netlink.
 *
 * Family name L4LB_GENL_NAME, version L4LB_GENL_VERSION. All state is per
 * network namespace: a command acts on the namespace of the socket it came
 * from. Both IPv4 and IPv6: every address comes with a family. An IPv4
 * address is 4 bytes big-endian (NLA_BE32, the *_ADDR attributes), an
 * IPv6 address 16 bytes in network order (the *_ADDR6 attributes, exactly
 * 16 bytes); ports are 2-byte big-endian (NLA_BE16).
 *
 * Address families: a service key or a destination carries a *_FAMILY
 * attribute (NLA_U16, AF_INET or AF_INET6). It may be left out for
 * AF_INET, so IPv4 requests of earlier versions keep working unchanged.
 * The address attribute must be the family's: *_ADDR for AF_INET,
 * *_ADDR6 for AF_INET6; the other one is EINVAL, any other family
 * EAFNOSUPPORT. Replies always carry the family. Direct routing and NAT
 * forward only within one family: a destination of the other family is
 * EINVAL for them; a tunnel (L4LB_FWD_TUN) carries one in the other.
 *
 * Permissions: every command, reads included, needs CAP_NET_ADMIN in the
 * initial user namespace (GENL_ADMIN_PERM), as IPVS does. Reads are
 * privileged too because the connection table reveals client addresses.
 * The user-namespace variant (GENL_UNS_ADMIN_PERM) was rejected on purpose:
 * it would let any unprivileged user reach the parser through `unshare -Urn`.
 *
 * Validation is strict: unknown attributes, wrong lengths, unterminated
 * strings and unknown flag bits are rejected with EINVAL and an extack
 * message naming the attribute. A rejected command changes nothing.
 *
 * Errnos: EEXIST (service or destination already exists), ENOENT (no such
 * service or destination, or unknown scheduler), ENOMEM, EOPNOTSUPP (a
 * tunnel type or flag not supported), EINVAL (bad or
 * missing attribute; see extack), EAFNOSUPPORT (a family other than
 * AF_INET or AF_INET6), EPERM (no CAP_NET_ADMIN), ENOSPC (limit reached:
 * 16384 services per netns, 256 destinations per service), ERANGE (a
 * destination's lower threshold above its upper one, as IPVS),
 * EADDRNOTAVAIL (a tunnel source that is not an address of the netns).
 *
 * L4LB_CMD_GET_INFO: no attributes in; replies with:
 *    L4LB_A_INFO: NLA_NESTED
 *        L4LB_INFO_A_VERSION: NLA_NUL_STRING, module version
 *        L4LB_INFO_A_CONN_MAX: NLA_U32, connection table capacity (entries),
 *                              all netns together (module parameter
 *                              conn_max, writable at run time)
 *        L4LB_INFO_A_CONN_BUCKETS: NLA_U32, connection hash buckets
 *        L4LB_INFO_A_CONN_COUNT: NLA_U32, live entries in this netns
 *        L4LB_INFO_A_CONN_ENTRY_SIZE: NLA_U32, bytes per entry (slab
 *                                     object) of an IPv4 flow
 *        L4LB_INFO_A_SERVICES: NLA_U32, services in this netns
 *        L4LB_INFO_A_DESTS: NLA_U32, destinations in this netns, including
 *                           deleted ones still referenced by connections
 *        L4LB_INFO_A_DROPS: NLA_NESTED, per-netns drop counters
 *            L4LB_DROP_A_NO_DEST: NLA_U64, new flow, no usable destination
 *            L4LB_DROP_A_TABLE_FULL: NLA_U64, new flow refused: the table
 *                               (CONN_MAX) or this netns's share of it
 *                               (CONN_LIMIT) is full and no entry near
 *                               the new flow's could be evicted
 *            L4LB_DROP_A_MALFORMED: NLA_U64, truncated or bad headers
 *            L4LB_DROP_A_MTU: NLA_U64, too big with DF (ICMP sent)
 *            L4LB_DROP_A_NO_ROUTE: NLA_U64, no route to the real server
 *        L4LB_INFO_A_FAST_PKTS: NLA_U64, clients' packets sent on from
 *                               PREROUTING, skipping the input route and
 *                               LOCAL_IN; the others took LOCAL_IN (module
 *                               parameter fast_path, kmod/hooks.c)
 *        L4LB_INFO_A_FAST_REPLY_PKTS: NLA_U64, NAT: real servers' packets
 *                               to clients sent on from PREROUTING on
 *                               their flow's cached route, skipping the
 *                               input route and ip_forward(); the others
 *                               took FORWARD
 *        L4LB_INFO_A_CONN_LIMIT: NLA_U32, the most entries this netns may
 *                               hold (L4LB_CMD_SET_CONFIG; CONN_MAX unless
 *                               set)
 *        L4LB_INFO_A_TCP_PICKUP: NLA_U8, 1 if TCP packets of unknown flows
 *                               other than a SYN start a flow (mid-flow
 *                               pickup), 0 (default) if only a SYN does
 *        L4LB_INFO_A_CONN_EVICTED: NLA_U64, entries of this netns removed
 *                               early to make room for a new flow when the
 *                               table or the netns's share was full
 *        L4LB_INFO_A_NOT_SYN_PKTS: NLA_U64, TCP packets to a service that
 *                               belonged to no flow and were not a SYN
 *                               (without ACK, RST or FIN): with pickup off
 *                               they start nothing and go on to the local
 *                               stack, which answers them with a reset
 *        L4LB_INFO_A_CONN_ENTRY_SIZE6: NLA_U32, bytes per entry (slab
 *                               object) of an IPv6 flow
 *        L4LB_INFO_A_TEMPLATE_COUNT: NLA_U32, persistence templates of
 *                               this netns (see Persistence below)
 *        L4LB_INFO_A_TEMPLATE_LIMIT: NLA_U32, the most templates a netns
 *                               may hold (module parameter persist_max)
 *        L4LB_INFO_A_EXPIRE_QUIESCENT: NLA_U8, 1 (default) if a template
 *                               whose destination has weight 0 attracts
 *                               no new connection, 0 if it still does
 *        L4LB_INFO_A_TUN_SOURCE, L4LB_INFO_A_TUN_SOURCE6: the configured
 *                               outer sources of tunnels
 *                               (L4LB_CMD_SET_CONFIG), only if set
 *
 * Connection entries. A new TCP flow starts only with a SYN without ACK,
 *    RST or FIN (as with IPVS), unless the netns (L4LB_CONFIG_A_TCP_PICKUP)
 *    or the service (L4LB_SVC_F_PICKUP) turned mid-flow pickup on: then
 *    any TCP packet but a RST of an unknown flow starts one, scheduled as
 *    a SYN would be; UDP flows start with any datagram. An entry is
 *    unconfirmed until its flow proves itself: TCP in SYN_RECV (until the
 *    client's ACK; an entry picked up mid-flow starts there too, until
 *    the client's next packet) has a fixed 30 s timeout; a UDP entry gets
 *    at most 30 s (less if the UDP timeout is shorter) until a second
 *    datagram from the client (direct routing) or a reply from the real
 *    server (NAT) gives it the UDP timeout. When a new flow finds the
 *    table or its netns's share full, an unconfirmed or closing entry
 *    (SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, unconfirmed UDP, or one whose
 *    destination is deleted or down) among the few near the new flow's
 *    hash bucket is evicted, the one due to expire first (CONN_EVICTED);
 *    of the netns only when it is its share that is full, of any netns
 *    when it is the table. If there is none, the new flow is dropped
 *    (L4LB_DROP_A_TABLE_FULL). Established and confirmed entries are
 *    never evicted.
 *
 * L4LB_CMD_SET_CONFIG: per-netns settings of the connection table and
 *    tunnels; an absent attribute leaves its value alone. GET_INFO
 *    reports them. A rejected command changes none.
 *    L4LB_A_CONFIG: NLA_NESTED
 *        L4LB_CONFIG_A_CONN_LIMIT: NLA_U32, 0..L4LB_CONN_LIMIT_MAX: the
 *                               most entries of this netns; 0 (default)
 *                               is CONN_MAX. Lowering it below the
 *                               entries held removes none: new flows
 *                               evict or are dropped until they expire.
 *        L4LB_CONFIG_A_TCP_PICKUP: NLA_U8, 0 or 1, see above (default 0)
 *        L4LB_CONFIG_A_EXPIRE_QUIESCENT: NLA_U8, 0 or 1 (default 1): IPVS's
 *                               expire_quiescent_template, see Persistence
 *        L4LB_CONFIG_A_TUN_SOURCE: NLA_BE32, the outer source address of
 *                               the IPv4 tunnels of this netns
 *                               (L4LB_FWD_TUN); 0.0.0.0 (default) leaves
 *                               it to the route to each real server. It
 *                               must be an address of this netns, else
 *                               EADDRNOTAVAIL; while it is not (removed
 *                               later) packets to the tunnels are dropped
 *                               (L4LB_DROP_A_NO_ROUTE).
 *        L4LB_CONFIG_A_TUN_SOURCE6: 16 bytes, the same for IPv6 tunnels;
 *                               :: (default) leaves it to the route
 *
 * L4LB_CMD_NEW_SERVICE: add a service; EEXIST if it exists.
 *    L4LB_A_SERVICE: NLA_NESTED
 *        L4LB_SVC_A_PROTOCOL: NLA_U8, IPPROTO_TCP or IPPROTO_UDP (required)
 *        L4LB_SVC_A_FAMILY: NLA_U16, AF_INET (default) or AF_INET6
 *        L4LB_SVC_A_ADDR: NLA_BE32, virtual IP of an AF_INET service
 *        L4LB_SVC_A_ADDR6: 16 bytes, virtual IP of an AF_INET6 service
 *                          (one of the two, the family's, is required)
 *        L4LB_SVC_A_PORT: NLA_BE16, virtual port, not 0 (required)
 *        L4LB_SVC_A_SCHED: NLA_NUL_STRING, scheduler name, at most
 *                          L4LB_SCHED_NAME_MAX - 1 bytes, one of ipvsadm's
 *                          (see Schedulers below); default "wlc", as
 *                          ipvsadm's; unknown names are ENOENT
 *        L4LB_SVC_A_FLAGS: NLA_U32, L4LB_SVC_F_*; an unknown bit is
 *                          EINVAL. Default 0, but L4LB_SVC_F_PICKUP for
 *                          an mh service (see below).
 *            L4LB_SVC_F_PICKUP: mid-flow pickup: a TCP packet (not a RST)
 *                of a flow the balancer has no entry for is scheduled,
 *                as its SYN would have been, instead of being left to the
 *                local stack (which resets it). For scale-out behind an
 *                ECMP router: when a balancer leaves or joins, the router
 *                rehashes and established flows arrive at a balancer that
 *                never saw their SYN; with mh (same destinations, key and
 *                table size on every balancer) it sends each to the real
 *                server the first balancer chose, and the flow goes on.
 *                The entry made starts unconfirmed (SYN_RECV, 30 s,
 *                evictable) until the client's next packet: spoofed bare
 *                ACKs cost the table no more than spoofed SYNs do, and
 *                cannot fill it with established entries; evicting one
 *                costs little, the hash giving the same answer again.
 *                Set by default for mh, the scheduler of such fleets,
 *                whose answer depends on the flow and the configuration
 *                only, so that a balancer joining a fleet takes over
 *                flows without an extra setting; clear for the others,
 *                whose choice a second balancer could not repeat (the
 *                picked-up flow would reach a server that resets it).
 *                The default applies when NEW_SERVICE has no FLAGS;
 *                SET_SERVICE changes it only with FLAGS.
 *            L4LB_SVC_F_ONEPACKET: one-packet scheduling (ipvsadm -o),
 *                for UDP services only (EINVAL for TCP): every datagram
 *                is scheduled on its own, as a new flow, and makes no
 *                connection entry (DNS-style loads: no table memory, no
 *                timeout to wait for; CONNS counts datagrams). Entries a
 *                flow made before the flag was set are no longer used
 *                and expire. Direct routing only: with NAT the replies
 *                would need an entry to be translated back, so a NAT
 *                destination on such a service, or the flag on a service
 *                with one, is EINVAL.
 *        L4LB_SVC_A_SCHED_FLAGS: NLA_U32, L4LB_SVC_SCHED_F_*, ipvsadm's
 *                          -b; default 0; an unknown bit is EINVAL
 *        L4LB_SVC_A_MH_TABLE_SIZE: NLA_U32, the mh table's slots: a prime
 *                          in L4LB_MH_TABLE_SIZE_MIN..L4LB_MH_TABLE_SIZE_MAX
 *                          (EINVAL otherwise); default 65537, as in the
 *                          Maglev paper
 *        L4LB_SVC_A_MH_KEY: exactly L4LB_MH_KEY_LEN (16) bytes, the mh
 *                          hash key; default L4LB_MH_KEY_DEFAULT
 *        L4LB_SVC_A_PERSIST_TIMEOUT: NLA_U32, seconds, 0..L4LB_TIMEOUT_MAX:
 *                          ipvsadm's -p; 0 (default) is not persistent
 *        L4LB_SVC_A_PERSIST_PREFIX: NLA_U8, ipvsadm's -M as a prefix
 *                          length: 0..32 for AF_INET, 0..128 for AF_INET6
 *                          (EINVAL otherwise); default 32 or 128
 *    The scheduler settings (SCHED_FLAGS, MH_*) are kept whatever the
 *    scheduler: those another scheduler does not use wait for a change
 *    of scheduler.
 *
 *    A firewall-mark service instead: its key is
 *        L4LB_SVC_A_FWMARK: NLA_U32, not 0: the packet mark (skb->mark,
 *                          set by iptables' or nftables' mangle rules
 *                          before l4lb's hooks) of its packets, TCP or UDP
 *        L4LB_SVC_A_FAMILY: as above (AF_INET default, or AF_INET6)
 *    with no PROTOCOL, ADDR, ADDR6 or PORT (EINVAL naming the attribute).
 *    A packet is looked up by its mark first, then by address and port,
 *    as IPVS does; as any service's, it must be addressed to a local
 *    address (a VIP). Its destinations' port is 0 by default: for NAT, 0
 *    rewrites only the address (the packet keeps its port), another port
 *    rewrites both; direct routing needs 0. Replies, connections and
 *    every request naming the service carry FWMARK and FAMILY in place
 *    of the address key.
 *
 * L4LB_CMD_SET_SERVICE: edit a service (key as above; ENOENT if absent).
 *    Attributes given replace the current values; absent ones stay.
 *
 * L4LB_CMD_DEL_SERVICE: delete a service and its destinations (key only).
 *    Connections of a deleted service are dropped from the table lazily;
 *    their packets are no longer forwarded.
 *
 * L4LB_CMD_GET_SERVICE: with a key, one service; with NLM_F_DUMP, all
 *    services of the netns. Each reply carries:
 *    L4LB_A_SERVICE: NLA_NESTED
 *        L4LB_SVC_A_PROTOCOL, L4LB_SVC_A_FAMILY, L4LB_SVC_A_ADDR or
 *        L4LB_SVC_A_ADDR6, L4LB_SVC_A_PORT, L4LB_SVC_A_SCHED,
 *        L4LB_SVC_A_FLAGS, L4LB_SVC_A_SCHED_FLAGS,
 *        L4LB_SVC_A_MH_TABLE_SIZE, L4LB_SVC_A_MH_KEY,
 *        L4LB_SVC_A_PERSIST_TIMEOUT, L4LB_SVC_A_PERSIST_PREFIX as above
 *        L4LB_SVC_A_STATS: NLA_NESTED, see L4LB_STATS_A_*
 *        L4LB_SVC_A_DESTS: NLA_NESTED, only if the request had
 *                          L4LB_A_WITH_DESTS (NLA_FLAG) set; a dump leaves
 *                          it out of a service too big for one message
 *                          (GET_DEST then lists its destinations)
 *            L4LB_A_DEST: NLA_NESTED, one per destination, as below
 *    Dumps set NLM_F_DUMP_INTR on a message if the table changed while
 *    the dump was in progress; the caller should retry.
 *
 * L4LB_CMD_NEW_DEST / L4LB_CMD_SET_DEST / L4LB_CMD_DEL_DEST:
 *    L4LB_A_SERVICE: NLA_NESTED, the service key (PROTOCOL, FAMILY, ADDR
 *                    or ADDR6, PORT)
 *    L4LB_A_DEST: NLA_NESTED
 *        L4LB_DEST_A_FAMILY: NLA_U16, the real server's family; default
 *                          the service's, and DR and NAT need it so
 *        L4LB_DEST_A_ADDR: NLA_BE32, real server IP (AF_INET), or
 *        L4LB_DEST_A_ADDR6: 16 bytes, real server IP (AF_INET6); the
 *                          family's one is required
 *        L4LB_DEST_A_PORT: NLA_BE16, real server port; defaults to the
 *                          service port; must equal it for DR (EINVAL)
 *        L4LB_DEST_A_FWD: NLA_U8, enum l4lb_fwd_method; default DR
 *        L4LB_DEST_A_WEIGHT: NLA_U32, 0..65535; default 1. 0 is quiescent:
 *                            existing flows continue, no new ones.
 *        L4LB_DEST_A_TUN_TYPE: NLA_U8, enum l4lb_tun_type, with FWD
 *                          L4LB_FWD_TUN only (EINVAL otherwise); default
 *                          L4LB_TUN_IPIP
 *        L4LB_DEST_A_TUN_PORT: NLA_BE16, not 0: the UDP port the real
 *                          server receives GUE on; required for
 *                          L4LB_TUN_GUE, EINVAL with any other type
 *        L4LB_DEST_A_TUN_FLAGS: NLA_U32, L4LB_TUN_F_*, GUE and GRE only
 *                          (EINVAL with IPIP); default 0 (as NOCSUM);
 *                          NOCSUM and CSUM together are EINVAL, so is
 *                          REMCSUM with CSUM or with GRE. REMCSUM (GUE's
 *                          remote checksum offload): a packet whose
 *                          transport checksum is not summed yet goes
 *                          with GUE's private flags and the checksum's
 *                          start and offset, and the real server sums
 *                          it; the outer UDP checksum is left 0 (IPv4)
 *        L4LB_DEST_A_FLAGS: NLA_U32, L4LB_DEST_F_*; default 0; on SET_DEST
 *                           an absent attribute leaves the flags alone;
 *                           an unknown bit is EINVAL.
 *        L4LB_DEST_A_U_THRESH: NLA_U32, upper connection threshold
 *                           (ipvsadm -x); default 0, none. When a new
 *                           connection brings the destination's live
 *                           connections (ACTIVE_CONNS + INACTIVE_CONNS)
 *                           to U_THRESH or more, it is overloaded: no
 *                           scheduler gives it a new flow (its flows
 *                           carry on) until a connection's end leaves
 *                           fewer than L_THRESH, or without one fewer
 *                           than 3/4 of U_THRESH, as IPVS. Setting 0 or
 *                           a higher U_THRESH ends an overload at once.
 *        L4LB_DEST_A_L_THRESH: NLA_U32, lower connection threshold
 *                           (ipvsadm -y); default 0 (3/4 of U_THRESH).
 *                           Above U_THRESH is ERANGE.
 *        On SET_DEST an absent threshold keeps its value.
 *            L4LB_DEST_F_DOWN: the real server failed its health checks
 *                (l4lbd sets it). Whatever its weight it gets no new flows,
 *                and unlike weight 0 (a drain, whose flows continue) the
 *                flows already on it move to a live destination on their
 *                next packet, as after a delete: a TCP client is reset by
 *                the new server at once instead of retransmitting into a
 *                dead one until its connection times out.
 *    Tunnelling (L4LB_FWD_TUN): the client's packet, unchanged but for
 *    its TTL or hop limit, is sent to the real server's address inside an
 *    outer header of the real server's family, which may be the other
 *    one than the service's: IP-in-IP (protocol IPPROTO_IPIP for an
 *    inner IPv4 packet, IPPROTO_IPV6 for an inner IPv6 one), GUE (RFC
 *    draft-ietf-intarea-gue, version 0, no optional fields) in UDP to
 *    TUN_PORT, from a source port hashed from the flow, or GRE (RFC 2784,
 *    protocol ETH_P_IP or ETH_P_IPV6, with the checksum if TUN_FLAGS has
 *    CSUM, no key or sequence number). The outer source is the
 *    balancer's address on the route to the real server. The real server
 *    decapsulates, owns the VIP (as for direct routing) and answers the
 *    client directly; its port must equal the service port. The path MTU
 *    a client sees is the route's less the encapsulation (20 or 40
 *    bytes, and 12 more for GUE, 4 or 8 for GRE), never less than the
 *    client family's minimum (68, 1280); a bigger packet that may not be
 *    fragmented is answered with ICMP "fragmentation needed" or Packet
 *    Too Big, in the client's family, for that MTU. Such an error from a
 *    router about an outer packet, in the outer family, lowers the MTU
 *    of the route to the real server, as for the stack's own tunnels.
 *    Changing the FWD or TUN_* attributes with SET_DEST replaces the
 *    destination as below.
 *    Deleting a destination moves its flows: their next packet is
 *    scheduled to a live destination of the same service. SET_DEST with a
 *    different FWD replaces the destination in place: its flows move as
 *    after a delete, and its counters start from zero.
 *    NAT: the real server's replies must route back through the balancer
 *    (its default gateway), which forwards them (net.ipv4.ip_forward=1,
 *    net.ipv6.conf.all.forwarding=1); the first NAT destination of a
 *    netns enables defragmentation there (nf_defrag_ipv4 and
 *    nf_defrag_ipv6), as replies are matched by port.
 *
 * L4LB_CMD_GET_DEST: NLM_F_DUMP only; L4LB_A_SERVICE gives the service key.
 *    Each reply: L4LB_A_DEST: NLA_NESTED with FAMILY, ADDR or ADDR6,
 *        PORT, FWD, WEIGHT, FLAGS, U_THRESH, L_THRESH, for L4LB_FWD_TUN
 *        TUN_TYPE (and for GUE TUN_PORT and TUN_FLAGS), and
 *        L4LB_DEST_A_ACTIVE_CONNS: NLA_U32, connections ESTABLISHED
 *        L4LB_DEST_A_INACTIVE_CONNS: NLA_U32, other live connections
 *        L4LB_DEST_A_STATS: NLA_NESTED, see L4LB_STATS_A_*
 *
 * L4LB_CMD_FLUSH: delete every service of the netns (and so every dest).
 *
 * L4LB_CMD_GET_TIMEOUTS / L4LB_CMD_SET_TIMEOUTS:
 *    L4LB_A_TIMEOUTS: NLA_NESTED, seconds, 1..L4LB_TIMEOUT_MAX; on SET an
 *    absent attribute (or 0, as with ipvsadm --set) leaves the value alone
 *        L4LB_TIMEOUT_A_TCP: NLA_U32, TCP ESTABLISHED (default 900)
 *        L4LB_TIMEOUT_A_TCP_FIN: NLA_U32, TCP after FIN (default 120)
 *        L4LB_TIMEOUT_A_UDP: NLA_U32, UDP flows (default 300)
 *
 * L4LB_CMD_ZERO: zero counters; with L4LB_A_SERVICE (key) only that
 *    service and its destinations, else every service of the netns and
 *    the netns drop counters.
 *
 * L4LB_CMD_GET_CONN: NLM_F_DUMP only: the netns's connection entries.
 *    Optional filters, all of which an entry must match:
 *    L4LB_A_SERVICE: NLA_NESTED, a service key (PROTOCOL, FAMILY, ADDR
 *                    or ADDR6, PORT)
 *    L4LB_A_DEST: NLA_NESTED, FAMILY, ADDR or ADDR6 and optionally PORT
 *                 of a real server
 *    L4LB_A_CONN: NLA_NESTED, FAMILY, CADDR or CADDR6 and optionally
 *                 CPORT of a client
 *    Each reply:
 *    L4LB_A_CONN: NLA_NESTED
 *        L4LB_CONN_A_PROTOCOL: NLA_U8
 *        L4LB_CONN_A_FAMILY: NLA_U16, of the client and the service
 *        L4LB_CONN_A_DFAMILY: NLA_U16, of the real server
 *        L4LB_CONN_A_CADDR, L4LB_CONN_A_CPORT: client (NLA_BE32, NLA_BE16)
 *        L4LB_CONN_A_VADDR, L4LB_CONN_A_VPORT: service
 *        L4LB_CONN_A_DADDR, L4LB_CONN_A_DPORT: real server
 *        (L4LB_CONN_A_CADDR6, _VADDR6, _DADDR6 in place of the _ADDR
 *        ones for AF_INET6)
 *        L4LB_CONN_A_FWD: NLA_U8, enum l4lb_fwd_method
 *        L4LB_CONN_A_STATE: NLA_U8, enum l4lb_conn_state
 *        L4LB_CONN_A_EXPIRES: NLA_U32, milliseconds until the entry expires
 *        L4LB_CONN_A_TEMPLATE: NLA_FLAG, a persistence template (after
 *            the connections): PROTOCOL 0 (IPPROTO_IP, ipvsadm's "IP"),
 *            STATE NONE, CADDR the client's masked address, CPORT 0,
 *            VADDR and VPORT the service's, DADDR and DPORT the
 *            destination's; the filters apply as to connections
 *    The table changes under the dump, which is resumable and does bounded
 *    work per message: an entry added or removed meanwhile may be missed,
 *    never reported twice within one bucket pass.
 *
 * Schedulers (L4LB_SVC_A_SCHED), as IPVS's of the same names. A new
 *    flow goes to one of the service's usable destinations (weight > 0,
 *    not down), never to an overloaded one (see L4LB_DEST_A_U_THRESH):
 *    each scheduler below chooses among the others, and a hashing one
 *    (sh, dh, mh) whose choice is overloaded drops the flow, or with its
 *    fallback flag goes on to the next bucket or slot. Connection counts are a destination's ACTIVE_CONNS and
 *    INACTIVE_CONNS; its overhead is active * 256 + inactive. Ties go to
 *    the destination added first.
 *    rr    round robin, in the order destinations were added
 *    wrr   weighted round robin, smooth: over sum-of-weights flows each
 *          destination gets exactly its weight, interleaved
 *    lc    least connections: the lowest overhead
 *    wlc   weighted least connections: the lowest overhead / weight
 *    sed   shortest expected delay: the lowest (active + 1) / weight
 *    nq    never queue: the first destination with no active
 *          connection, else as sed
 *    fo    weighted failover: the highest weight
 *    ovf   weighted overflow: the highest weight among those with fewer
 *          active connections than their weight; none (the flow is
 *          dropped) when all are full
 *    sh    source hashing: bucket hash_32(port + address, 8) of a table
 *          of 256 (address and port in host order, the port 0 unless
 *          SH_PORT; an IPv6 address folded by XOR of its four words);
 *          the destinations fill the buckets in the order they were
 *          added, each as many in a row as its weight (one if 0), round
 *          and round. Quiescent and down destinations keep their buckets
 *          (so no other client moves): a flow landing on one is dropped,
 *          or with SH_FALLBACK goes to the next bucket's usable one.
 *    dh    destination hashing: as sh with the flow's destination
 *          address (the VIP, so one destination gets every flow); no
 *          fallback.
 *    mh    Maglev hashing: slot siphash-2-4(key, address [+ port with
 *          MH_PORT]) of a table of MH_TABLE_SIZE (prime) slots filled by
 *          the Maglev algorithm, weighted, from the usable destinations
 *          sorted by (family, address, port): balancers with the same
 *          destinations (in any order), key and size agree on every flow,
 *          and removing one destination of N moves about 1/N of the flows.
 *          The table is rebuilt when the destinations change, never on the
 *          packet path; a lookup is O(1). Memory: 2 bytes a slot (128 KB at
 *          the default size) per service. With MH_FALLBACK a flow meeting
 *          a destination deleted or marked down a moment before its table
 *          is rebuilt takes the next slot's.
 *    The mh key is fixed by default, not random: balancers sharing a VIP
 *    (ECMP, anycast) must agree on each flow, also after a reboot, so the
 *    key is configuration, like the destinations. Whoever knows the key
 *    can choose source ports that all land on one server: a fleet that
 *    cares sets a key of its own (the same on every balancer).
 *    lblc  locality-based least connections: the flow's destination
 *          address keeps the destination wlc chose for it, unless that
 *          one is overloaded (more active connections than its weight
 *          while another has fewer than half its weight); then wlc
 *          chooses anew. A service has one VIP, so one entry.
 *    lblcr the same with a set of destinations per address: a flow goes
 *          to the least loaded (overhead / weight) of the set; when that
 *          one is overloaded wlc's choice joins the set; a set unchanged
 *          for 24 hours loses its most loaded member.
 *    lblc and lblcr keep at most 1024 addresses per service, forget one
 *    unused for 24 hours, and start afresh when the destinations change.
 *
 * Persistence (L4LB_SVC_A_PERSIST_TIMEOUT not 0), as IPVS's: the first
 *    new connection of a client to a persistent service is scheduled and
 *    leaves a template, keyed by the service and the client's address
 *    masked to PERSIST_PREFIX bits; further new connections of any client
 *    under that mask go to the template's destination. A template lives
 *    PERSIST_TIMEOUT seconds from the last new connection it directed
 *    (connections it directed do not hold it). A template whose
 *    destination is deleted or down directs nothing: the next new
 *    connection is scheduled afresh and replaces it; so is one whose
 *    destination has weight 0 while EXPIRE_QUIESCENT is on (the default,
 *    unlike IPVS: draining a server then moves its persistent clients'
 *    new connections at once). Templates live in a table of their own,
 *    at most persist_max (module parameter, default 65536) per netns;
 *    a new one past that replaces the netns's oldest. Changing a
 *    service's PERSIST_* attributes or deleting it drops its templates.
 *
 * Statistics (L4LB_STATS_A_*, all NLA_U64, padded with L4LB_STATS_A_PAD):
 *    CONNS (new connections scheduled), PKTS_IN, BYTES_IN (client to
 *    server), PKTS_OUT, BYTES_OUT (server to client; NAT only).
 *    Counters are 64-bit, per-CPU in the kernel and summed on read;
 *    L4LB_CMD_ZERO makes them count from 0 again.
 *    Rates, per second, averaged over the last sampling window:
 *    CONN_RATE, PKTS_IN_RATE, PKTS_OUT_RATE, BYTES_IN_RATE, BYTES_OUT_RATE,
 *    and RATE_WINDOW_MS, the window's length in milliseconds.
 *    Rates are computed when read, not by a periodic timer: each service
 *    and destination keeps two timestamped samples of its counters; a
 *    read takes a new sample when the newest is 2 s old or more and
 *    reports (counters now - older sample) / (time since older sample).
 *    With reads at least every 2 s the window is the last 2..4 s; after a
 *    pause in reading, the first read covers the time since the read
 *    before last (RATE_WINDOW_MS says so). Zeroing does not reset rates.
 *
 * Connection sync (ipvsadm --start-daemon): a balancer running the master
 *    role sends its connection entries and persistence templates, and
 *    their changes, to a multicast group on one interface; one running
 *    the backup role there installs them, so that when the clients'
 *    gateway or the VIP moves to it (keepalived's VRRP) the flows carry
 *    on. Both roles may run at once in a netns (as IPVS's), each at most
 *    once; all per netns, stopped when the netns goes.
 *    It runs in the kernel, as IPVS's does: --start-daemon is a one-shot
 *    command operators already put in scripts and keepalived
 *    configurations, there is no process to supervise, and the backup
 *    installs entries without a round trip through user space. The master
 *    queues a record when an entry is made, when its TCP state changes (or
 *    a UDP entry is confirmed) and, while a flow lasts, about every half
 *    of its remaining timeout, so that the backup's copy, which expires as
 *    the master's does (plus L4LB_SYNC_GRACE_MS), outlives no idle flow
 *    and loses no busy one. Records are batched into datagrams of at most
 *    SYNC_MAXLEN bytes, sent when one is full or 50 ms after its first
 *    record, from a work item; at most 64 full datagrams wait, a record
 *    past that is dropped (DROPPED). A lost datagram costs only the flows
 *    whose records it carried (on a takeover, as without sync).
 *    The backup receives on a kernel UDP socket bound to the port and
 *    interface that joined the group (its encap_rcv takes each datagram
 *    in softirq context, with no copy to user space); a work item then
 *    checks it whole and installs its records under the config mutex
 *    (the destination lists are configuration), at most 256 datagrams
 *    waiting (DROPPED past that). A record is installed only for a
 *    service (the same key) and a real server (the same address, port
 *    and forwarding method, neither deleted nor down) the backup has, else
 *    counted (NO_SERVICE); within the connection table's limits as a new
 *    flow (TABLE_FULL, and L4LB_DROP_A_TABLE_FULL; TABLE_FULL also counts
 *    a record refused for want of memory); an entry of the same
 *    flow and real server takes the record's state and timeout, one of
 *    another real server is replaced. Synced entries count in the
 *    destinations' connections but not in CONNS (they were scheduled by
 *    the master); their first packets pass the input route's checks as a
 *    new flow's do. Any datagram that is not exactly as below is dropped
 *    whole (MALFORMED), one of another sync id ignored (OTHER_SYNCID;
 *    a backup of sync id 0 takes every sync id, as IPVS's).
 *    Authentication (optional; anyone on the segment could otherwise
 *    inject flows): with a KEY, the master appends a MAC, siphash-2-4
 *    over the whole datagram before it, keyed with the KEY's 16 bytes
 *    read as two little-endian 64-bit words, and the backup
 *    drops a datagram without one or with a wrong one (BAD_AUTH). A backup
 *    without a key ignores a MAC.
 *
 * L4LB_CMD_NEW_DAEMON: start a role.
 *    L4LB_A_DAEMON: NLA_NESTED
 *        L4LB_DAEMON_A_STATE: NLA_U32, L4LB_DAEMON_MASTER or
 *                          L4LB_DAEMON_BACKUP (required)
 *        L4LB_DAEMON_A_MCAST_IFN: NLA_NUL_STRING, the interface, at most
 *                          IFNAMSIZ - 1 bytes (required; ENODEV if the
 *                          netns has no such interface)
 *        L4LB_DAEMON_A_SYNC_ID: NLA_U32, 0..255; default 0
 *        L4LB_DAEMON_A_SYNC_MAXLEN: NLA_U16, the largest datagram (UDP
 *                          payload), L4LB_SYNC_MAXLEN_MIN.. the
 *                          interface's MTU less the IP and UDP headers
 *                          (EINVAL above); default that (1472 for an
 *                          IPv4 group on a 1500-byte MTU, as IPVS)
 *        L4LB_DAEMON_A_MCAST_GROUP: NLA_BE32, an IPv4 multicast group, or
 *        L4LB_DAEMON_A_MCAST_GROUP6: 16 bytes, an IPv6 multicast group
 *                          (not both; EINVAL if not multicast); default
 *                          224.0.0.81, as IPVS
 *        L4LB_DAEMON_A_MCAST_PORT: NLA_BE16, not 0; default 8848
 *        L4LB_DAEMON_A_MCAST_TTL: NLA_U8, 1..255, the master's multicast
 *                          TTL or hop limit; default 1
 *        L4LB_DAEMON_A_KEY: exactly L4LB_SYNC_KEY_LEN (16) bytes, the
 *                          shared key; default none
 *    EEXIST if the role runs, EADDRINUSE if the port is taken (backup).
 *
 * L4LB_CMD_DEL_DAEMON: stop a role; L4LB_A_DAEMON with STATE only;
 *    ENOENT if it does not run. Its pending records are dropped.
 *
 * L4LB_CMD_GET_DAEMON: no attributes in; the reply has one L4LB_A_DAEMON
 *    per running role, master first: STATE, MCAST_IFN, SYNC_ID,
 *    SYNC_MAXLEN, MCAST_GROUP or MCAST_GROUP6, MCAST_PORT, MCAST_TTL,
 *    L4LB_DAEMON_A_KEYED (NLA_FLAG) if a key is set (never the key), and
 *    counters (NLA_U64, padded with L4LB_DAEMON_A_PAD) of the netns since
 *    it was made, for the role:
 *        DATAGRAMS: sent (master) or received (backup)
 *        RECORDS: sent (master), installed or updated (backup)
 *        DROPPED: master: records not sent (queue full, no memory, a
 *                 failed send); backup: datagrams not taken (queue full)
 *        MALFORMED, BAD_AUTH, OTHER_SYNCID: backup, datagrams, see above
 *        NO_SERVICE, TABLE_FULL: backup, records, see above
 *
 * Sync datagrams (UDP to the group and port), version 1, all fields in
 *    network order: a struct l4lb_sync_hdr, COUNT records (struct
 *    l4lb_sync_rec with its addresses), and with L4LB_SYNC_HDR_F_MAC the
 *    MAC, L4LB_SYNC_MAC_LEN bytes (siphash-2-4's 64-bit result, little
 *    endian). LEN is the whole datagram's; RESERVED fields are 0. A record:
 *    TYPE L4LB_SYNC_REC_CONN or L4LB_SYNC_REC_TMPL, FAMILY AF_INET or
 *    AF_INET6 (of the client and the VIP), DFAMILY the real server's
 *    where it is the other family (a tunnel's, FWD L4LB_FWD_TUN), else
 *    0, LEN L4LB_SYNC_REC_LEN2(FAMILY, DFAMILY or FAMILY), then
 *        a connection: PROTOCOL IPPROTO_TCP or IPPROTO_UDP, FWD (enum
 *        l4lb_fwd_method), STATE (enum l4lb_conn_state: SYN_RECV..CLOSE
 *        for TCP, UDP for UDP), FLAGS L4LB_SYNC_REC_F_*, CPORT, VPORT
 *        (the client's and the VIP's, as the packets have them), DPORT
 *        (the real server's as configured: 0 for a firewall-mark
 *        service's that keeps the packet's), FWMARK (the service's, or 0
 *        for a service of address and port), TIMEOUT (milliseconds left,
 *        at most L4LB_TIMEOUT_MAX seconds), ADDRS: client, VIP, real
 *        server (1 word each of AF_INET, 4 of AF_INET6);
 *        a persistence template: as a connection, with PROTOCOL the
 *        service's (0 for a firewall-mark service), STATE NONE, FLAGS 0,
 *        CPORT 0, the client's address masked, VPORT and the VIP the
 *        service's (0 for a firewall-mark service).
 *    A new version will have a new VERSION; a backup drops others.
 *
 * Service dumps with L4LB_A_WITH_DESTS: a service whose destinations do
 *    not fit in one message continues in the next message(s), which repeat
 *    the service's attributes (key, SCHED, FLAGS, STATS) and carry the
 *    following destinations in their own L4LB_SVC_A_DESTS. Consumers merge
 *    consecutive messages that have the same service key.
 */
#ifndef _UAPI_LINUX_L4LB_H
#define _UAPI_LINUX_L4LB_H

#include <linux/types.h>

#define L4LB_GENL_NAME		"l4lb"
#define L4LB_GENL_VERSION	1

#define L4LB_SCHED_NAME_MAX	16
#define L4LB_TIMEOUT_MAX	(31 * 24 * 3600)	/* a month, seconds */
#define L4LB_WEIGHT_MAX		65535
#define L4LB_CONN_LIMIT_MAX	(1 << 26)	/* conn_max, CONN_LIMIT */
#define L4LB_PERSIST_TIMEOUT_DEFAULT	300	/* ipvsadm's -p, seconds */

enum l4lb_cmd {
	L4LB_CMD_UNSPEC,
	L4LB_CMD_GET_INFO,
	L4LB_CMD_NEW_SERVICE,
	L4LB_CMD_SET_SERVICE,
	L4LB_CMD_DEL_SERVICE,
	L4LB_CMD_GET_SERVICE,
	L4LB_CMD_NEW_DEST,
	L4LB_CMD_SET_DEST,
	L4LB_CMD_DEL_DEST,
	L4LB_CMD_GET_DEST,
	L4LB_CMD_FLUSH,
	L4LB_CMD_GET_TIMEOUTS,
	L4LB_CMD_SET_TIMEOUTS,
	L4LB_CMD_ZERO,
	L4LB_CMD_GET_CONN,
	L4LB_CMD_SET_CONFIG,
	L4LB_CMD_NEW_DAEMON,
	L4LB_CMD_DEL_DAEMON,
	L4LB_CMD_GET_DAEMON,
	__L4LB_CMD_MAX
};
#define L4LB_CMD_MAX (__L4LB_CMD_MAX - 1)

enum l4lb_attr {
	L4LB_A_UNSPEC,
	L4LB_A_INFO,
	L4LB_A_SERVICE,
	L4LB_A_DEST,
	L4LB_A_TIMEOUTS,
	L4LB_A_WITH_DESTS,
	L4LB_A_CONN,
	L4LB_A_CONFIG,
	L4LB_A_DAEMON,
	__L4LB_A_MAX
};
#define L4LB_A_MAX (__L4LB_A_MAX - 1)

enum l4lb_info_attr {
	L4LB_INFO_A_UNSPEC,
	L4LB_INFO_A_VERSION,
	L4LB_INFO_A_CONN_MAX,
	L4LB_INFO_A_CONN_BUCKETS,
	L4LB_INFO_A_CONN_COUNT,
	L4LB_INFO_A_CONN_ENTRY_SIZE,
	L4LB_INFO_A_SERVICES,
	L4LB_INFO_A_DESTS,
	L4LB_INFO_A_DROPS,
	L4LB_INFO_A_PAD,
	L4LB_INFO_A_FAST_PKTS,
	L4LB_INFO_A_FAST_REPLY_PKTS,
	L4LB_INFO_A_CONN_LIMIT,
	L4LB_INFO_A_TCP_PICKUP,
	L4LB_INFO_A_CONN_EVICTED,
	L4LB_INFO_A_NOT_SYN_PKTS,
	L4LB_INFO_A_CONN_ENTRY_SIZE6,
	L4LB_INFO_A_TEMPLATE_COUNT,
	L4LB_INFO_A_TEMPLATE_LIMIT,
	L4LB_INFO_A_EXPIRE_QUIESCENT,
	L4LB_INFO_A_TUN_SOURCE,
	L4LB_INFO_A_TUN_SOURCE6,
	__L4LB_INFO_A_MAX
};
#define L4LB_INFO_A_MAX (__L4LB_INFO_A_MAX - 1)

enum l4lb_drop_attr {
	L4LB_DROP_A_UNSPEC,
	L4LB_DROP_A_PAD,
	L4LB_DROP_A_NO_DEST,
	L4LB_DROP_A_TABLE_FULL,
	L4LB_DROP_A_MALFORMED,
	L4LB_DROP_A_MTU,
	L4LB_DROP_A_NO_ROUTE,
	__L4LB_DROP_A_MAX
};
#define L4LB_DROP_A_MAX (__L4LB_DROP_A_MAX - 1)

enum l4lb_svc_attr {
	L4LB_SVC_A_UNSPEC,
	L4LB_SVC_A_PROTOCOL,
	L4LB_SVC_A_ADDR,
	L4LB_SVC_A_PORT,
	L4LB_SVC_A_SCHED,
	L4LB_SVC_A_FLAGS,
	L4LB_SVC_A_STATS,
	L4LB_SVC_A_DESTS,
	L4LB_SVC_A_FAMILY,
	L4LB_SVC_A_ADDR6,
	L4LB_SVC_A_SCHED_FLAGS,
	L4LB_SVC_A_MH_TABLE_SIZE,
	L4LB_SVC_A_MH_KEY,
	L4LB_SVC_A_PERSIST_TIMEOUT,
	L4LB_SVC_A_PERSIST_PREFIX,
	L4LB_SVC_A_FWMARK,
	__L4LB_SVC_A_MAX
};
#define L4LB_SVC_A_MAX (__L4LB_SVC_A_MAX - 1)

/*
 * Service flags (L4LB_SVC_A_FLAGS). Bits 0..7 are at IPVS's positions
 * (IP_VS_SVC_F_*), for their meanings; the kernel rejects unknown bits.
 */
#define L4LB_SVC_F_ONEPACKET	(1u << 2)	/* ipvsadm -o, UDP only */
#define L4LB_SVC_F_PICKUP	(1u << 8)	/* mid-flow pickup */
#define L4LB_SVC_F_ALL		(L4LB_SVC_F_ONEPACKET | L4LB_SVC_F_PICKUP)

/*
 * Scheduler flags (L4LB_SVC_A_SCHED_FLAGS): ipvsadm's -b flag-1..3
 * (IP_VS_SVC_F_SCHED1..3), whose meaning depends on the scheduler.
 */
#define L4LB_SVC_SCHED_F_FLAG1		(1u << 0)
#define L4LB_SVC_SCHED_F_FLAG2		(1u << 1)
#define L4LB_SVC_SCHED_F_FLAG3		(1u << 2)
#define L4LB_SVC_SCHED_F_ALL		(L4LB_SVC_SCHED_F_FLAG1 | \
					 L4LB_SVC_SCHED_F_FLAG2 | \
					 L4LB_SVC_SCHED_F_FLAG3)
#define L4LB_SVC_SCHED_F_SH_FALLBACK	L4LB_SVC_SCHED_F_FLAG1
#define L4LB_SVC_SCHED_F_SH_PORT	L4LB_SVC_SCHED_F_FLAG2
#define L4LB_SVC_SCHED_F_MH_FALLBACK	L4LB_SVC_SCHED_F_FLAG1
#define L4LB_SVC_SCHED_F_MH_PORT	L4LB_SVC_SCHED_F_FLAG2

#define L4LB_MH_TABLE_SIZE_DEFAULT	65537
#define L4LB_MH_TABLE_SIZE_MIN		17
#define L4LB_MH_TABLE_SIZE_MAX		1048573	/* the largest prime < 2^20 */
#define L4LB_MH_KEY_LEN			16
/* The default key: these 16 bytes, without a terminating NUL. */
#define L4LB_MH_KEY_DEFAULT		"l4lb-maglev-key0"

enum l4lb_fwd_method {
	L4LB_FWD_DR = 1,	/* direct routing: keep the IP header, L2 to RIP */
	L4LB_FWD_NAT = 2,	/* masquerading: rewrite VIP:port to RIP:port */
	L4LB_FWD_TUN = 3,	/* tunnelling: encapsulate to the RIP */
	__L4LB_FWD_MAX
};
#define L4LB_FWD_MAX (__L4LB_FWD_MAX - 1)

enum l4lb_dest_attr {
	L4LB_DEST_A_UNSPEC,
	L4LB_DEST_A_ADDR,
	L4LB_DEST_A_PORT,
	L4LB_DEST_A_FWD,
	L4LB_DEST_A_WEIGHT,
	L4LB_DEST_A_ACTIVE_CONNS,
	L4LB_DEST_A_INACTIVE_CONNS,
	L4LB_DEST_A_STATS,
	L4LB_DEST_A_FLAGS,
	L4LB_DEST_A_FAMILY,
	L4LB_DEST_A_ADDR6,
	L4LB_DEST_A_TUN_TYPE,
	L4LB_DEST_A_TUN_PORT,
	L4LB_DEST_A_TUN_FLAGS,
	L4LB_DEST_A_U_THRESH,
	L4LB_DEST_A_L_THRESH,
	__L4LB_DEST_A_MAX
};
#define L4LB_DEST_A_MAX (__L4LB_DEST_A_MAX - 1)

/* Destination flags (L4LB_DEST_A_FLAGS). */
#define L4LB_DEST_F_DOWN	(1u << 0)
#define L4LB_DEST_F_ALL		L4LB_DEST_F_DOWN

/* Tunnel encapsulations (L4LB_DEST_A_TUN_TYPE), ipvsadm's --tun-type. */
enum l4lb_tun_type {
	L4LB_TUN_IPIP,		/* IP in IP, either family in either */
	L4LB_TUN_GUE,		/* the same in GUE (UDP), L4LB_DEST_A_TUN_PORT */
	L4LB_TUN_GRE,		/* the same in GRE */
	__L4LB_TUN_MAX
};
#define L4LB_TUN_MAX (__L4LB_TUN_MAX - 1)

/* Tunnel flags (L4LB_DEST_A_TUN_FLAGS), ipvsadm's --tun-*csum. */
#define L4LB_TUN_F_NOCSUM	(1u << 0)	/* no UDP (GRE) checksum */
#define L4LB_TUN_F_CSUM		(1u << 1)	/* UDP (GRE) checksum */
#define L4LB_TUN_F_REMCSUM	(1u << 2)	/* remote checksum offload */
#define L4LB_TUN_F_ALL		(L4LB_TUN_F_NOCSUM | L4LB_TUN_F_CSUM | \
				 L4LB_TUN_F_REMCSUM)

enum l4lb_timeout_attr {
	L4LB_TIMEOUT_A_UNSPEC,
	L4LB_TIMEOUT_A_TCP,
	L4LB_TIMEOUT_A_TCP_FIN,
	L4LB_TIMEOUT_A_UDP,
	__L4LB_TIMEOUT_A_MAX
};
#define L4LB_TIMEOUT_A_MAX (__L4LB_TIMEOUT_A_MAX - 1)

enum l4lb_config_attr {
	L4LB_CONFIG_A_UNSPEC,
	L4LB_CONFIG_A_CONN_LIMIT,
	L4LB_CONFIG_A_TCP_PICKUP,
	L4LB_CONFIG_A_EXPIRE_QUIESCENT,
	L4LB_CONFIG_A_TUN_SOURCE,
	L4LB_CONFIG_A_TUN_SOURCE6,
	__L4LB_CONFIG_A_MAX
};
#define L4LB_CONFIG_A_MAX (__L4LB_CONFIG_A_MAX - 1)

enum l4lb_stats_attr {
	L4LB_STATS_A_UNSPEC,
	L4LB_STATS_A_PAD,
	L4LB_STATS_A_CONNS,
	L4LB_STATS_A_PKTS_IN,
	L4LB_STATS_A_PKTS_OUT,
	L4LB_STATS_A_BYTES_IN,
	L4LB_STATS_A_BYTES_OUT,
	L4LB_STATS_A_CONN_RATE,
	L4LB_STATS_A_PKTS_IN_RATE,
	L4LB_STATS_A_PKTS_OUT_RATE,
	L4LB_STATS_A_BYTES_IN_RATE,
	L4LB_STATS_A_BYTES_OUT_RATE,
	L4LB_STATS_A_RATE_WINDOW_MS,
	__L4LB_STATS_A_MAX
};
#define L4LB_STATS_A_MAX (__L4LB_STATS_A_MAX - 1)

/* TCP states as the balancer tracks them; UDP flows have one state. */
enum l4lb_conn_state {
	L4LB_CONN_S_NONE,
	L4LB_CONN_S_SYN_RECV,
	L4LB_CONN_S_ESTABLISHED,
	L4LB_CONN_S_FIN_WAIT,
	L4LB_CONN_S_TIME_WAIT,
	L4LB_CONN_S_CLOSE,
	L4LB_CONN_S_UDP,
	__L4LB_CONN_S_MAX
};

enum l4lb_conn_attr {
	L4LB_CONN_A_UNSPEC,
	L4LB_CONN_A_PROTOCOL,
	L4LB_CONN_A_CADDR,
	L4LB_CONN_A_CPORT,
	L4LB_CONN_A_VADDR,
	L4LB_CONN_A_VPORT,
	L4LB_CONN_A_DADDR,
	L4LB_CONN_A_DPORT,
	L4LB_CONN_A_FWD,
	L4LB_CONN_A_STATE,
	L4LB_CONN_A_EXPIRES,
	L4LB_CONN_A_FAMILY,
	L4LB_CONN_A_DFAMILY,
	L4LB_CONN_A_CADDR6,
	L4LB_CONN_A_VADDR6,
	L4LB_CONN_A_DADDR6,
	L4LB_CONN_A_TEMPLATE,
	__L4LB_CONN_A_MAX
};
#define L4LB_CONN_A_MAX (__L4LB_CONN_A_MAX - 1)

/* Connection sync (L4LB_CMD_*_DAEMON). */
enum l4lb_daemon_state {
	L4LB_DAEMON_MASTER = 1,
	L4LB_DAEMON_BACKUP = 2,
};

enum l4lb_daemon_attr {
	L4LB_DAEMON_A_UNSPEC,
	L4LB_DAEMON_A_STATE,
	L4LB_DAEMON_A_MCAST_IFN,
	L4LB_DAEMON_A_SYNC_ID,
	L4LB_DAEMON_A_SYNC_MAXLEN,
	L4LB_DAEMON_A_MCAST_GROUP,
	L4LB_DAEMON_A_MCAST_GROUP6,
	L4LB_DAEMON_A_MCAST_PORT,
	L4LB_DAEMON_A_MCAST_TTL,
	L4LB_DAEMON_A_KEY,
	L4LB_DAEMON_A_KEYED,
	L4LB_DAEMON_A_PAD,
	L4LB_DAEMON_A_DATAGRAMS,
	L4LB_DAEMON_A_RECORDS,
	L4LB_DAEMON_A_DROPPED,
	L4LB_DAEMON_A_MALFORMED,
	L4LB_DAEMON_A_BAD_AUTH,
	L4LB_DAEMON_A_OTHER_SYNCID,
	L4LB_DAEMON_A_NO_SERVICE,
	L4LB_DAEMON_A_TABLE_FULL,
	__L4LB_DAEMON_A_MAX
};
#define L4LB_DAEMON_A_MAX (__L4LB_DAEMON_A_MAX - 1)

#define L4LB_SYNC_KEY_LEN		16
#define L4LB_SYNC_MAC_LEN		8
#define L4LB_SYNC_SYNCID_MAX		255
#define L4LB_SYNC_PORT_DEFAULT		8848
#define L4LB_SYNC_GROUP_DEFAULT		0xe0000051	/* 224.0.0.81 */
#define L4LB_SYNC_TTL_DEFAULT		1
#define L4LB_SYNC_GRACE_MS		3000

#define L4LB_SYNC_MAGIC			0x4c34534e	/* "L4SN" */
#define L4LB_SYNC_VERSION		1

struct l4lb_sync_hdr {
	__be32	magic;		/* L4LB_SYNC_MAGIC */
	__u8	version;	/* L4LB_SYNC_VERSION */
	__u8	syncid;
	__u8	count;		/* records */
	__u8	flags;		/* L4LB_SYNC_HDR_F_* */
	__be16	len;		/* the datagram's, MAC included */
	__be16	reserved;
};

#define L4LB_SYNC_HDR_F_MAC	(1u << 0)	/* a MAC ends the datagram */

enum l4lb_sync_rec_type {
	L4LB_SYNC_REC_CONN = 1,
	L4LB_SYNC_REC_TMPL = 2,
};

struct l4lb_sync_rec {
	__u8	type;		/* enum l4lb_sync_rec_type */
	__u8	family;
	__u8	protocol;
	__u8	fwd;
	__u8	state;
	__u8	flags;		/* L4LB_SYNC_REC_F_* */
	__be16	len;		/* L4LB_SYNC_REC_LEN2() */
	__be16	cport;
	__be16	vport;
	__be16	dport;
	__u8	dfamily;	/* the real server's if not @family, else 0 */
	__u8	reserved;
	__be32	fwmark;
	__be32	timeout;	/* milliseconds */
	__be32	addrs[];	/* client, VIP, real server */
};

#define L4LB_SYNC_REC_F_CONFIRMED	(1u << 0)	/* UDP: proved itself */
#define L4LB_SYNC_ADDR_LEN(family)	((family) == AF_INET6 ? 16 : 4)
#define L4LB_SYNC_REC_LEN2(family, dfamily) \
	(sizeof(struct l4lb_sync_rec) + 2 * L4LB_SYNC_ADDR_LEN(family) + \
	 L4LB_SYNC_ADDR_LEN(dfamily))
#define L4LB_SYNC_REC_LEN(family)	L4LB_SYNC_REC_LEN2(family, family)
/* A header, the largest record and a MAC. */
#define L4LB_SYNC_MAXLEN_MIN	(sizeof(struct l4lb_sync_hdr) + \
				 L4LB_SYNC_REC_LEN(AF_INET6) + L4LB_SYNC_MAC_LEN)

#endif /* _UAPI_LINUX_L4LB_H */
