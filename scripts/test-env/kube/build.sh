#!/usr/bin/env bash
# Builds the Kubernetes control plane used by integration tests, from the Go module proxy only:
#   kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes, version-stamped),
#   etcd (go.etcd.io/etcd/server/v3 through a wrapper module), kwok + kwokctl (go install).
# Output: $CACHE_ROOT/kube-<k8s>-etcd<etcd>-kwok<kwok>/bin/ ; skipped when already complete.
# CACHE_ROOT = $LOGCLAW_TEST_ENV_CACHE or ${XDG_CACHE_HOME:-$HOME/.cache}/logclaw-test-env.
# Go's own caches (GOMODCACHE ~/go/pkg/mod, GOCACHE ~/.cache/go-build) are left at their defaults.
# Usage: build.sh            build if needed, print the bin dir on the last stdout line
#        build.sh --print-dir print the bin dir only (no build)
# Cold cost measured on 2 cores: see README.md beside this file.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
ETCD_VERSION="${ETCD_VERSION:-3.5.35}"
KWOK_VERSION="${KWOK_VERSION:-0.7.0}"

CACHE_ROOT="${LOGCLAW_TEST_ENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logclaw-test-env}"
ROOT="$CACHE_ROOT/kube-$K8S_VERSION-etcd$ETCD_VERSION-kwok$KWOK_VERSION"
BIN="$ROOT/bin"
STAMP="$ROOT/.complete"

if [ "${1:-}" = "--print-dir" ]; then echo "$BIN"; exit 0; fi
if [ -f "$STAMP" ]; then
  for b in kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl; do
    [ -x "$BIN/$b" ] || { rm -f "$STAMP"; break; }
  done
fi
if [ -f "$STAMP" ]; then echo "kube binaries cached in $BIN" >&2; echo "$BIN"; exit 0; fi

command -v go >/dev/null || { echo "build.sh: go not found on PATH" >&2; exit 1; }
mkdir -p "$BIN" "$ROOT/src"
# One build at a time per cache folder (two test runs may provision concurrently).
exec 9>"$ROOT/.lock"
if command -v flock >/dev/null; then flock 9; fi
if [ -f "$STAMP" ]; then echo "$BIN"; exit 0; fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off
T0=$(date +%s)
log() { echo "[kube-build +$(( $(date +%s) - T0 ))s] $*" >&2; }
GOMODCACHE_DIR="$(go env GOMODCACHE)"; GOCACHE_DIR="$(go env GOCACHE)"
size_mb() { du -sm "$1" 2>/dev/null | cut -f1 || echo 0; }
MOD0=$(size_mb "$GOMODCACHE_DIR"); GC0=$(size_mb "$GOCACHE_DIR")
log "building k8s v$K8S_VERSION, etcd v$ETCD_VERSION, kwok v$KWOK_VERSION into $BIN ($(go version))"

# ---- etcd: server/v3 has ../api style replaces, so `go install @v` fails; a wrapper module works.
if [ ! -x "$BIN/etcd" ]; then
  W="$ROOT/src/etcd"; rm -rf "$W"; mkdir -p "$W"; cd "$W"
  go mod init local/etcdbuild >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2
  go build -p 2 -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$BIN/etcd.tmp" "$BIN/etcd"
  log "etcd: $("$BIN/etcd" --version | head -1)"
fi

# ---- kwok + kwokctl: kwok's go.mod has no replace directives, plain go install works.
if [ ! -x "$BIN/kwokctl" ] || [ ! -x "$BIN/kwok" ]; then
  GOBIN="$BIN" GOFLAGS= go install -p 2 -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK_VERSION"
  log "kwok: $("$BIN/kwokctl" --version 2>&1 | head -1)"
fi

# ---- Kubernetes control plane. k/k's go.mod requires its staging modules at v0.0.0 with
# `=> ./staging/...` replaces, which a consumer ignores: replace each with its published v0.X.Y.
if [ ! -x "$BIN/kube-apiserver" ] || [ ! -x "$BIN/kube-controller-manager" ] || [ ! -x "$BIN/kube-scheduler" ]; then
  W="$ROOT/src/k8s"; rm -rf "$W"; mkdir -p "$W"; cd "$W"
  go mod init local/k8sbuild >/dev/null 2>&1
  KGOMOD=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$KGOMOD" ] || { echo "build.sh: k8s.io/kubernetes@v$K8S_VERSION not on the module proxy" >&2; exit 1; }
  for m in $(sed -n 's|^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*|\1|p' "$KGOMOD"); do
    go mod edit -replace "$m=$m@v0.${K8S_VERSION#1.}"
  done
  GODEBUG_LINE=$(sed -n 's/^godebug[[:space:]]\+\(default=go[0-9.]*\).*/\1/p' "$KGOMOD" | head -1)
  [ -z "$GODEBUG_LINE" ] || go mod edit -godebug="$GODEBUG_LINE"
  go get "k8s.io/kubernetes@v$K8S_VERSION" >&2
  log "modules resolved; compiling (this is the long part)"
  MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
  LD="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LD+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$MINOR"
    LD+=" -X $p.gitCommit=0000000000000000000000000000000000000000"
    LD+=" -X $p.gitTreeState=clean -X $p.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  mkdir -p "$ROOT/tmpbin"
  go build -p 2 -trimpath -ldflags "$LD" -o "$ROOT/tmpbin/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler
  mv "$ROOT"/tmpbin/* "$BIN/"; rmdir "$ROOT/tmpbin"
  log "kube-apiserver: $("$BIN/kube-apiserver" --version)"
fi

for b in kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl; do
  [ -x "$BIN/$b" ] || { echo "build.sh: $BIN/$b missing after build" >&2; exit 1; }
done
printf 'k8s=%s\netcd=%s\nkwok=%s\nbuilt=%s\nseconds=%s\n' "$K8S_VERSION" "$ETCD_VERSION" "$KWOK_VERSION" \
  "$(date -u +%FT%TZ)" "$(( $(date +%s) - T0 ))" > "$STAMP"
log "done in $(( $(date +%s) - T0 ))s; bin $(size_mb "$BIN") MB, cache folder $(size_mb "$ROOT") MB," \
  "GOMODCACHE +$(( $(size_mb "$GOMODCACHE_DIR") - MOD0 )) MB, GOCACHE +$(( $(size_mb "$GOCACHE_DIR") - GC0 )) MB"
echo "$BIN"
