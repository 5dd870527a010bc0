#!/bin/bash
# teardown.sh's second part: LB netns deleted under traffic, 20 times.
# families: 4 6
export L4LB_TEARDOWN=netns
. "$(dirname "$0")/teardown.sh"
