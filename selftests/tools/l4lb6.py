#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""l4lb6: IPv6 services and destinations over l4lb's generic netlink API,
for the selftests until l4lbadm takes IPv6 addresses.

  l4lb6.py svc PROTO VIP PORT [SCHED]          add a service (tcp|udp)
  l4lb6.py dest PROTO VIP PORT RIP RPORT dr|nat  add a destination

Exit 0 on success, 1 with the kernel's error otherwise, 2 on a usage error.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
NLA_F_NESTED = 0x8000

# include/uapi/linux/l4lb.h
L4LB_CMD_NEW_SERVICE = 2
L4LB_CMD_NEW_DEST = 6
L4LB_A_SERVICE = 2
L4LB_A_DEST = 3
L4LB_SVC_A_PROTOCOL = 1
L4LB_SVC_A_PORT = 3
L4LB_SVC_A_SCHED = 4
L4LB_SVC_A_FAMILY = 8
L4LB_SVC_A_ADDR6 = 9
L4LB_DEST_A_PORT = 2
L4LB_DEST_A_FWD = 3
L4LB_DEST_A_WEIGHT = 4
L4LB_DEST_A_FAMILY = 9
L4LB_DEST_A_ADDR6 = 10
FWD = {"dr": 1, "nat": 2}
PROTO = {"tcp": socket.IPPROTO_TCP, "udp": socket.IPPROTO_UDP}


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def u8(kind, v):
    return attr(kind, struct.pack("=B", v))


def u16(kind, v):
    return attr(kind, struct.pack("=H", v))


def u32(kind, v):
    return attr(kind, struct.pack("=I", v))


def be16(kind, v):
    return attr(kind, struct.pack("!H", v))


def addr6(kind, s):
    return attr(kind, socket.inet_pton(socket.AF_INET6, s))


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, version, payload):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.sock.send(msg)
        replies = []
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off < len(data):
                length, kind, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if kind == NLMSG_ERROR:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return replies
                replies.append(data[off + 20:off + length])
                off += (length + 3) & ~3

    def family_id(self, name):
        payload = attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
        for reply in self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, payload):
            off = 0
            while off < len(reply):
                length, kind = struct.unpack_from("=HH", reply, off)
                if kind == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack_from("=H", reply, off + 4)[0]
                off += (length + 3) & ~3
        raise OSError(errno.ENOENT, "no genl family " + name)


def svc_key(proto, vip, port):
    return (u8(L4LB_SVC_A_PROTOCOL, PROTO[proto]) +
            u16(L4LB_SVC_A_FAMILY, socket.AF_INET6) +
            addr6(L4LB_SVC_A_ADDR6, vip) + be16(L4LB_SVC_A_PORT, int(port)))


def main(argv):
    if len(argv) < 4 or argv[0] not in ("svc", "dest"):
        print(__doc__, file=sys.stderr)
        return 2
    nl = Genl()
    fam = nl.family_id("l4lb")
    if argv[0] == "svc":
        sched = argv[4] if len(argv) > 4 else "rr"
        payload = nest(L4LB_A_SERVICE, svc_key(*argv[1:4]),
                       attr(L4LB_SVC_A_SCHED, sched.encode() + b"\0"))
        cmd = L4LB_CMD_NEW_SERVICE
    else:
        if len(argv) != 7 or argv[6] not in FWD:
            print(__doc__, file=sys.stderr)
            return 2
        payload = (nest(L4LB_A_SERVICE, svc_key(*argv[1:4])) +
                   nest(L4LB_A_DEST,
                        u16(L4LB_DEST_A_FAMILY, socket.AF_INET6),
                        addr6(L4LB_DEST_A_ADDR6, argv[4]),
                        be16(L4LB_DEST_A_PORT, int(argv[5])),
                        u8(L4LB_DEST_A_FWD, FWD[argv[6]]),
                        u32(L4LB_DEST_A_WEIGHT, 1)))
        cmd = L4LB_CMD_NEW_DEST
    try:
        nl.request(fam, cmd, 1, payload)
    except OSError as e:
        print("l4lb6: %s: %s" % (" ".join(argv), e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
