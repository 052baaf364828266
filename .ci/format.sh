#!/bin/bash
# Stage format: every C source and header matches .clang-format
# (clang-format 14, --dry-run -Werror); fails listing the files that
# differ.  scripts/format.sh fixes them.
source "$(dirname "$0")/common.sh"
step "clang-format check"
bash "$ROOT/scripts/check-format.sh"
