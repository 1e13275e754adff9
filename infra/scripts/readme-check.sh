#!/usr/bin/env bash
# Runs the README's `ipasn` examples exactly as written (the lines between the readme-check markers
# of README.md), from the repository root, with the PATH the user's shell had — so a machine whose
# own `node` is older than 24 is checked too. Part of `npm test` (and so of .ci/run).
source "$(dirname "$0")/lib.sh"
cd "$IPASN_ROOT"
block=$(sed -n '/<!-- readme-check:start -->/,/<!-- readme-check:end -->/p' README.md | grep -E '^(npx|npm) ' || true)
[[ -n $block ]] || die "README.md has no readme-check block"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
while IFS= read -r line; do
  n=$((n + 1))
  log "README: $line"
  # The README's paths are under /tmp/ipasn-readme; run in a clean one so nothing depends on order of runs.
  if ! (cd "$IPASN_ROOT" && PATH="$IPASN_USER_PATH" IPASN_README_TMP="$tmp" bash -c "$line" >"$tmp/out.$n" 2>"$tmp/err.$n"); then
    tail -20 "$tmp/err.$n" >&2
    die "the README's command failed as written: $line"
  fi
done <<<"$block"
log "README: $n documented ipasn commands ran as written (shell node: $(PATH="$IPASN_USER_PATH" node --version 2>/dev/null || echo none))"
