#!/bin/bash
# lane: extended (make check-extended)
# nat.sh again with conntrack and MASQUERADE on the LB.
export L4LB_NAT_CONNTRACK=1
. "$(dirname "$0")/nat.sh"
