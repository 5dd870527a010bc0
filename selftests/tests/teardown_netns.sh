#!/bin/bash
# lane: extended (make check-extended)
# teardown.sh's second part: LB netns deleted under traffic, 8 times
# (IPv6: 6).
# families: 4 6
export L4LB_TEARDOWN=netns
. "$(dirname "$0")/teardown.sh"
