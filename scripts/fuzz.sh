#!/usr/bin/env bash
# Fuzzes the ELF, build-info, zip and gob readers: 100,000 random and mutated inputs each (FUZZ_CASES to change,
# FUZZ_SEED for another sequence). Any crash or hang fails, and the input is saved under the temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_CASES="${FUZZ_CASES:-100000}"
exec npx vitest run test/fuzz --reporter=default
