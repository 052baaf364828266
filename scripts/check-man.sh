#!/bin/sh
# Lint a man page: groff must render it with every warning enabled and say
# nothing (the same page `man -l` shows).
set -eu
page=${1:-doc/dsnguard.1}
out=$(groff -man -t -Tutf8 -ww -z "$page" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
	echo "$page: groff warnings:"; echo "$out"; exit 1
fi
echo "$page: renders without warnings"
