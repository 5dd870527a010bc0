#!/bin/bash
# lane: extended (make check-extended)
# ecmp.sh with bird2 and l4lbd as the README's ECMP section sets them up:
# the router learns the VIP over BGP from each balancer, whose l4lbd
# announces and withdraws it with its quorum scripts (birdc).
export L4LB_ECMP_BIRD=1
. "$(dirname "$0")/ecmp.sh"
