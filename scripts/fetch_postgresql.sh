#!/usr/bin/env bash
# Fetches an older PostgreSQL major version from Debian's own archive into a
# private directory, for the tests that check snaplake against it. Nothing is
# installed system-wide: apt runs with its own lists and cache, and the .deb
# files are unpacked with dpkg-deb into DEST.
#
# Usage: scripts/fetch_postgresql.sh MAJOR [DEST]
#   MAJOR  13 (from Debian 11 "bullseye"; this machine's Debian 12 ships 15 only)
#   DEST   default: $SNAPLAKE_PG_ROOTS/MAJOR, where SNAPLAKE_PG_ROOTS defaults to
#          /var/cache/snaplake/postgresql as root (the server runs as user postgres,
#          who cannot enter root's home) and ~/.cache/snaplake/postgresql otherwise
# Afterwards DEST/usr/lib/postgresql/MAJOR/bin holds initdb, pg_ctl, postgres,
# psql and pg_basebackup, and DEST/usr/lib/x86_64-linux-gnu the shared libraries
# bullseye has and bookworm lacks (libssl1.1, ICU 67, OpenLDAP 2.4); the test
# harness (tests/testing/pg_server.cc, SNAPLAKE_PG_MAJOR) adds that directory to
# LD_LIBRARY_PATH for the server's programs only. Safe to re-run: an existing
# complete DEST is kept.
set -euo pipefail
major=${1:?usage: scripts/fetch_postgresql.sh MAJOR [DEST]}
if [[ $(id -u) == 0 ]]; then roots=/var/cache/snaplake/postgresql; else roots=$HOME/.cache/snaplake/postgresql; fi
dest=${2:-${SNAPLAKE_PG_ROOTS:-$roots}/$major}
case $major in
  13) suite=bullseye ;;
  *) echo "fetch_postgresql: PostgreSQL $major is not fetched by this script (13 only)" >&2; exit 2 ;;
esac
bin=$dest/usr/lib/postgresql/$major/bin
if [[ -x $bin/postgres && -x $bin/psql && -f $dest/.complete ]]; then exit 0; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/snaplake-fetch-pg$major.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{lists/partial,cache/archives/partial,debs}
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
  >"$work/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root" -qq)
echo "fetch_postgresql: downloading PostgreSQL $major from Debian $suite" >&2
apt-get "${apt_opts[@]}" update
# The server and client packages, and the libraries of theirs that bookworm no longer has.
(cd "$work/debs" && apt-get "${apt_opts[@]}" download \
  "postgresql-$major" "postgresql-client-$major" libssl1.1 libicu67 libldap-2.4-2)
rm -rf "$dest"
mkdir -p "$dest"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$dest"; done
# The server runs as the postgres user, who must be able to read and run all of it.
chmod -R a+rX "$dest"
LD_LIBRARY_PATH=$dest/usr/lib/x86_64-linux-gnu "$bin/postgres" --version >&2
touch "$dest/.complete"
