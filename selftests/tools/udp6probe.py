#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""udp6probe: one UDP datagram over IPv6, and what came back, for the
selftests (tests/ipv6_basic.sh).

  udp6probe.py [-D] [-H HOPS] [-s SIZE] [-t SECONDS] ADDR PORT

Sends SIZE bytes (default "x\\n"; SIZE bytes leave unfragmented, whatever
the path MTU the socket learned) with hop limit HOPS (-D: after a
destination options header of padding) from a socket
connected to [ADDR]:PORT with IPV6_RECVERR, then prints the first of:
  reply WORD                                  a datagram came back
  icmp6 type T code C info I from ADDR        an ICMPv6 error came back
  timeout                                     nothing within SECONDS (5)
"""
import argparse
import select
import socket
import struct
import sys

SO_EE_ORIGIN_ICMP6 = 3
# Not all of these are in Python's socket module.
IPV6_RECVERR = 25
IPV6_MTU_DISCOVER = 23
IPV6_DSTOPTS = 59
IPV6_PMTUDISC_PROBE = 3
MSG_ERRQUEUE = 0x2000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-D", action="store_true", dest="dstopts")
    ap.add_argument("-H", type=int, default=0, dest="hops")
    ap.add_argument("-s", type=int, default=0, dest="size")
    ap.add_argument("-t", type=float, default=5.0, dest="timeout")
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
    if a.dstopts:
        # Next header (the kernel's), length 0 (8 bytes), PadN of 4.
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_DSTOPTS,
                     bytes([0, 0, 1, 4, 0, 0, 0, 0]))
    if a.hops:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, a.hops)
    if a.size:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER,
                     IPV6_PMTUDISC_PROBE)
    s.connect((a.addr, a.port))
    s.send(b"x" * a.size if a.size else b"x\n")

    p = select.poll()
    p.register(s, select.POLLIN | select.POLLERR)
    if not p.poll(int(a.timeout * 1000)):
        print("timeout")
        return 0
    try:
        data = s.recv(65536)
        print("reply " + (data.split() or [b""])[0].decode(errors="replace"))
        return 0
    except OSError:
        pass
    _, anc, _, _ = s.recvmsg(65536, 512, MSG_ERRQUEUE)
    for level, kind, cdata in anc:
        if level != socket.IPPROTO_IPV6 or kind != IPV6_RECVERR:
            continue
        _, origin, typ, code, _, info, _ = struct.unpack_from("=IBBBBII",
                                                               cdata)
        if origin != SO_EE_ORIGIN_ICMP6:
            continue
        offender = socket.inet_ntop(socket.AF_INET6, cdata[16 + 8:16 + 24])
        print("icmp6 type %d code %d info %d from %s" %
              (typ, code, info, offender))
        return 0
    print("error without ICMPv6")
    return 1


if __name__ == "__main__":
    sys.exit(main())
