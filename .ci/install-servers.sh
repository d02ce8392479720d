#!/usr/bin/env bash
# Installs the real servers the lab tests run (src/test/java/dev/migrate/lab): BIND 9, Knot DNS,
# PowerDNS Authoritative (sqlite3 backend), Unbound, nginx, PostgreSQL 15 (the shared-state backend),
# plus dig/nsupdate/dnsperf/sqlite3/openssl/runuser, and man (man-db) to render the man pages the build
# writes (ManPagesTest).
#
# Idempotent: when every binary is already on the machine it installs nothing. CI runs on a fresh
# Debian machine where none of them exist, so .ci/run must call this before the tests; the lab
# classes fail (never skip) when a binary is missing. Installing starts no daemon on these machines
# (policy-rc.d refuses), so nothing ends up listening on port 53.
set -u

BINARIES="named knotd knotc pdns_server unbound unbound-control nginx dnsperf dig nsupdate tsig-keygen sqlite3 openssl runuser man"
# PostgreSQL's server binaries are not on PATH (Debian keeps them per major version): found by path.
BINARY_PATHS="/usr/lib/postgresql/15/bin/postgres /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/pg_isready"
PACKAGES="bind9 bind9-utils bind9-dnsutils knot knot-dnsutils pdns-server pdns-backend-sqlite3 sqlite3 unbound nginx dnsperf openssl man-db postgresql"

# Server binaries live in sbin, which a non-root PATH often lacks.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH

missing() {
  out=""
  for b in $BINARIES; do
    command -v "$b" >/dev/null 2>&1 || out="$out $b"
  done
  for p in $BINARY_PATHS; do
    [ -x "$p" ] || out="$out $p"
  done
  printf '%s' "${out# }"
}

before=$(missing)
if [ -z "$before" ]; then
  echo "install-servers: all lab server binaries present, installed nothing"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "install-servers: missing [$before] and not root and no sudo; cannot apt-get install" >&2
  exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/install-servers.XXXXXX")
# apt output goes to a log so a green run prints one line; on failure its tail is shown.
if ! $SUDO apt-get update >"$log" 2>&1 ||
   ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES >>"$log" 2>&1; then
  echo "install-servers: apt-get failed (missing were: $before); last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

after=$(missing)
if [ -n "$after" ]; then
  echo "install-servers: installed packages but still missing: $after (log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "install-servers: apt-get installed $PACKAGES (was missing: $before)"
