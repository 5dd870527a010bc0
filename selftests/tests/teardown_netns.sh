#!/bin/bash
# teardown.sh's second part: LB netns deleted under traffic, 8 times.
# families: 4
# (teardown[6] tears IPv6 services down under traffic; this one runs for
# IPv4 only, for make check's time.)
export L4LB_TEARDOWN=netns
. "$(dirname "$0")/teardown.sh"
