#!/bin/bash
# lane: extended (make check-extended)
# families: 4 6
# tunnel.sh with IPVS's -i as the control: every case also through
# ipvsadm -i in a netns beside the balancer, and ipvsadm's -S lines for
# the mixed-family and GRE tables compared with l4lbadm's.
export L4LB_TUNNEL_IPVS=1
. "$(dirname "$0")/tunnel.sh"
