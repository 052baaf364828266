#!/bin/sh
# The release version lives in one place, CMakeLists.txt's project();
# debian/changelog's top entry must name the same version (a native
# package: no Debian revision).  Run by ctest (debian_version_current) and
# by the CI install stage before it builds the packages.
#   check-debian-version.sh [SOURCE_DIR]
set -eu
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
want=$(sed -n 's/^project(libdsnguard VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
have=$(sed -n '1s/^libdsnguard (\([^)]*\)) .*/\1/p' "$ROOT/debian/changelog")
if [ -z "$want" ] || [ -z "$have" ]; then
	echo "check-debian-version: cannot read the version (CMakeLists.txt: '$want', debian/changelog: '$have')" >&2
	exit 1
fi
if [ "$want" != "$have" ]; then
	echo "check-debian-version: CMakeLists.txt says $want, debian/changelog says $have:" >&2
	echo "  add a debian/changelog entry for $want (dch -v $want)" >&2
	exit 1
fi
echo "check-debian-version: $want in CMakeLists.txt and debian/changelog"
