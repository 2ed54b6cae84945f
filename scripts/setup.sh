#!/usr/bin/env bash
# Installs what go-lambda-migrate's tests and demo need on Debian/Ubuntu, then the npm dependencies.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
{ command -v qemu-aarch64-static >/dev/null 2>&1 || command -v qemu-aarch64 >/dev/null 2>&1; } || need+=(qemu-user-static)
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v readelf >/dev/null 2>&1 || need+=(binutils)
command -v aws >/dev/null 2>&1 || need+=(awscli)
command -v script >/dev/null 2>&1 || need+=(bsdutils) # a pseudo-terminal for the wizard's tests
command -v gcc >/dev/null 2>&1 || need+=(gcc) # cgo test fixtures
command -v make >/dev/null 2>&1 || need+=(make) # the rendered Makefile template
command -v git >/dev/null 2>&1 || need+=(git) # IaC patches are checked with git apply
python3 -c 'import botocore' >/dev/null 2>&1 || need+=(python3-botocore) # the official API models, for the conformance test

if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install: ${need[*]} (no apt-get on this machine)" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
