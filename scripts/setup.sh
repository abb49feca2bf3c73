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
# PostgreSQL 13 (the oldest supported major) for the pg13.* tests: Debian 12
# ships 15 only, so it comes from Debian 11's archive into a private directory.
bash "$(dirname "${BASH_SOURCE[0]}")/fetch_postgresql.sh" 13 ||
  echo "setup: WARNING: PostgreSQL 13 could not be fetched; the pg13.* tests will be skipped" >&2
# S3 tests: moto and the AWS CLI come with the image's Python (PyPI is not
# reachable here); s3rver (the store that ignores conditional writes) from npm.
python3 -c 'import moto.server' 2>/dev/null ||
  echo "setup: WARNING: python3 module moto not found; the S3 tests will be skipped" >&2
command -v aws >/dev/null || echo "setup: WARNING: the AWS CLI (aws) not found; the S3 tests that check with it will be skipped" >&2
if ! NODE_OPTIONS=--openssl-legacy-provider npx --yes s3rver@3.7.1 --version >/dev/null 2>&1; then
  echo "setup: WARNING: npm package s3rver@3.7.1 could not be fetched; its test will be skipped" >&2
fi
