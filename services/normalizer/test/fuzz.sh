#!/usr/bin/env bash
# `npm run fuzz [-- <events>]`: services/normalizer/test/fuzz.test.ts with 50,000 fuzzed messages
# (FUZZ_EVENTS, FUZZ_SEED override) against the local Kafka and Redis (started if they are not), as
# the test suite runs it with 10,000.
source "$(dirname "$0")/../../../infra/scripts/lib.sh"
ensure_built
"$IPASN_ROOT/infra/scripts/infra-up.sh"
as_principal admin admin
export FUZZ_EVENTS="${1:-${FUZZ_EVENTS:-50000}}"
cd "$IPASN_ROOT/services/normalizer" && exec npx vitest run test/fuzz.test.ts
