#!/usr/bin/env bash
# Builds the real-engine toolchain from source through the Go module proxy:
#   pulumi, pulumi-language-nodejs, pulumi-analyzer-policy   (the @pulumi/pulumi release in package-lock.json)
#   pulumi-resource-kubernetes, installed as a plugin         (the @pulumi/kubernetes release in package-lock.json)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok
#   kube-score, the manifests' checker
#   versitygw, the S3 server the assets uploader's test runs against
#
# Usage: scripts/toolchain.sh [piece...]     pieces: pulumi kubernetes-provider kubernetes etcd kwok kube-score versitygw
# Everything lands in ${CAPSTAN_CACHE:-$HOME/.cache/capstan}/toolchain; a piece is rebuilt only when
# its pins change. GOMODCACHE and GOCACHE are taken from the environment. To use the result:
#   export PATH="$HOME/.cache/capstan/toolchain/bin:$PATH"
#   export PULUMI_HOME="$HOME/.cache/capstan/toolchain/pulumi-home"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULES=$ROOT/e2e/toolchain
CACHE=${CAPSTAN_CACHE:-$HOME/.cache/capstan}/toolchain
BIN=$CACHE/bin
STAMPS=$CACHE/stamps
export PULUMI_HOME=$CACHE/pulumi-home
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
export GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)} GOCACHE=${GOCACHE:-$(go env GOCACHE)}

KWOK_VERSION=v0.8.0

log() { printf '[toolchain] %s\n' "$*"; }
die() { printf 'toolchain: %s\n' "$*" >&2; exit 1; }
gobuild() { nice -n 10 go build -trimpath "$@"; }

# The version of an npm package as locked in package-lock.json.
locked_npm_version() {
  node -e 'const l=require(process.argv[1]); console.log(l.packages["node_modules/"+process.argv[2]].version)' \
    "$ROOT/package-lock.json" "$1"
}

# The version that e2e/toolchain/$1/go.mod requires of module $2 (read without the network).
required_version() {
  awk -v m="$2" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m { print $2; exit }' "$MODULES/$1/go.mod"
}

# A piece's key: its pinned versions, the files that pin its dependencies and its build steps.
piece_key() {
  local name=$1; shift
  {
    printf '%s\n' "$@"
    if [ -d "$MODULES/$name" ]; then cat "$MODULES/$name"/go.*; fi
    declare -f "build_${name//-/_}"
  } | sha256sum | cut -c1-16
}

# run_piece NAME KEY FUNCTION: runs FUNCTION unless NAME was already built with KEY.
run_piece() {
  local name=$1 key=$2 fn=$3 stamp=$STAMPS/$1
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    log "$name: up to date ($key)"
    return
  fi
  log "$name: building ($key)"
  local start=$SECONDS
  "$fn"
  echo "$key" > "$stamp"
  log "$name: done in $((SECONDS - start))s"
}

# shellcheck source=e2e/toolchain/pieces.sh
source "$MODULES/pieces.sh"

PIECES=(pulumi kubernetes-provider kubernetes etcd kwok kube-score versitygw)
USAGE="usage: npm run toolchain -- [piece...]   pieces: ${PIECES[*]}
Builds only the pieces whose pins changed; everything lands in $CACHE."

# Whether $1 names a piece.
is_piece() {
  local p
  for p in "${PIECES[@]}"; do [ "$p" = "$1" ] && return 0; done
  return 1
}

main() {
  case ${1:-} in -h|--help) printf '%s\n' "$USAGE"; exit 0 ;; esac
  local arg
  for arg in "$@"; do
    is_piece "$arg" || { printf "toolchain: unknown piece '%s'\n%s\n" "$arg" "$USAGE" >&2; exit 2; }
  done
  command -v go >/dev/null || die "go is not on PATH"
  command -v node >/dev/null || die "node is not on PATH"
  mkdir -p "$BIN" "$STAMPS" "$PULUMI_HOME"
  WORK=$(mktemp -d)
  trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
  local pieces=("$@")
  [ ${#pieces[@]} -gt 0 ] || pieces=("${PIECES[@]}")
  local total=$SECONDS piece failed=()
  for piece in "${pieces[@]}"; do
    # A subshell per piece: one that fails is reported and the others still build.
    local start=$SECONDS
    ("piece_${piece//-/_}") || { log "$piece: FAILED after $((SECONDS - start))s"; failed+=("$piece"); }
  done
  log "finished in $((SECONDS - total))s; binaries in $BIN"
  log "GOMODCACHE $(du -sh "$GOMODCACHE" 2>/dev/null | cut -f1), GOCACHE $(du -sh "$GOCACHE" 2>/dev/null | cut -f1)"
  [ ${#failed[@]} -eq 0 ] || die "not built: ${failed[*]}"
}

main "$@"
