#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is already there:
# the wasm32 target, wasm-bindgen-cli matching Cargo.lock, wasm-split-cli,
# Debian packages
# and the e2e npm packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "install-deps: $*"; }

# Rust: the wasm target and the linters.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$want" != "$have" ]; then
  log "installing wasm-bindgen-cli $want (have: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# wasm-split-cli, which splits the client's on-demand chunks off
# (scripts/build-site.sh); it needs wasm-bindgen >= 0.2.128's naming.
if ! cargo install --list | grep -qx 'wasm_split_cli_support v0.2.4:'; then
  log "installing wasm-split-cli"
  cargo install wasm_split_cli_support --version 0.2.4 --features build-binary --locked
fi

# cargo-fuzz, for the bounded fuzzing run of make test.
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

# Debian packages. The policy keeps apt from starting system services: the
# tests start their own servers.
debs=(prosody ejabberd chromium nginx dnsmasq-base iproute2 brotli openssl ca-certificates)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  policy=/usr/sbin/policy-rc.d
  added_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    added_policy=1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  [ -z "$added_policy" ] || rm -f "$policy"
fi

# npm packages for the end-to-end tests and wasm-opt, from the lock file.
stamp=e2e/node_modules/.parlons-lock-sha256
want_lock=$(sha256sum e2e/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_lock" ]; then
  log "npm ci (e2e)"
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  echo "$want_lock" >"$stamp"
fi
