#!/usr/bin/env bash
# `npm run topics`: applies infra/topics/topics.json and acls.json for the agency list in force
# (IPASN_AGENCIES_FILE or the shipped one), as the admin principal. Idempotent.
source "$(dirname "$0")/lib.sh"
as_principal admin admin
exec node "$IPASN_ROOT/packages/kafka/dist/bin/apply-topics.js"
