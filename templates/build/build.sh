#!/bin/sh
# Builds a Go Lambda function for the provided.* runtimes: an executable named bootstrap, zipped.
# Usage: build.sh [SOURCE_DIR] [NAME]   (defaults: {{source}} {{name}})
# -tags lambda.norpc leaves out the go1.x RPC server (aws-lambda-go v1.18.0 and later).
# Rendered by go-lambda-migrate.
set -eu
src=${1:-{{source}}}
name=${2:-{{name}}}
out=$(pwd)/build/$name
mkdir -p "$out"
(cd "$src" && CGO_ENABLED=0 GOOS=linux GOARCH=${GOARCH:-{{goarch}}} \
  go build -tags lambda.norpc -trimpath -ldflags='-s -w' -o "$out/bootstrap" .)
rm -f "build/$name.zip"
(cd "$out" && zip -X "../$name.zip" bootstrap)
echo "build/$name.zip: bootstrap for linux/${GOARCH:-{{goarch}}}"
