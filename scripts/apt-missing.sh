# shellcheck shell=sh
# scripts/apt-missing.sh - sourced by install-deps.sh and
# install-bench-deps.sh: which Debian packages are missing, and how to
# become root to install them.  Both scripts install only what is missing,
# so the check and the root test are one piece of code.

# apt_missing PKG...: sets missing to the packages of PKG... that dpkg does
# not have installed (" a b", empty when all are).
apt_missing() {
	missing=""
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		     grep -q '^install ok installed$'; then
			missing="$missing $p"
		fi
	done
}

# shellcheck disable=SC2034 # SUDO is for the sourcing script
# apt_sudo TAG: sets SUDO to "" as root or "sudo"; with neither, says what
# to install as root (messages start with TAG) and exits 1.
apt_sudo() {
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "$1: not root and no sudo; install as root:$missing" >&2
		exit 1
	fi
}
