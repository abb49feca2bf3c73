#!/usr/bin/env bash
# Installs what snaplake needs to build and test, with apt-get, only when missing.
# Usage: scripts/setup.sh PACKAGE...   (the Makefile passes the list)
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (for the Parquet oracles used by the tests): Debian's nodejs ships npm
# separately; an image with another nodejs build may already have npm.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
oracle=${SNAPLAKE_ORACLE:-../shared/tools/parquet-oracles/oracle}
if [[ -x $oracle ]]; then
  "$oracle" install
else
  echo "setup: WARNING: Parquet oracles not found at $oracle; tests that need them will be skipped" >&2
fi
