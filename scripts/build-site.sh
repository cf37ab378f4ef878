#!/usr/bin/env bash
# Builds the client into target/site: the size-tuned wasm, its JS glue, the
# CSS and index.html, with content-hashed names and .br/.gz beside each file.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=wasm-release
out=target/site
stage=target/wasm-bindgen

cargo build --profile "$profile" --target wasm32-unknown-unknown -p parlons-frontend
rm -rf "$stage" "$out"
mkdir -p "$stage" "$out"
wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name parlons \
  "target/wasm32-unknown-unknown/$profile/parlons-frontend.wasm"
# binaryen 132 from npm: Debian's 108 mangles wasm-bindgen's externref table.
# -Oz takes about 40% off the raw size and 25% off the brotli size.
e2e/node_modules/.bin/wasm-opt -Oz "$stage/parlons_bg.wasm" -o "$stage/parlons_bg.opt.wasm"
mv "$stage/parlons_bg.opt.wasm" "$stage/parlons_bg.wasm"

# name-<16 hex digits>.ext: the gateway serves these as immutable.
hashed() {
  local file=$1 stem=$2 ext=$3
  local h
  h=$(sha256sum "$file" | cut -c1-16)
  cp "$file" "$out/$stem-$h.$ext"
  echo "$stem-$h.$ext"
}

wasm=$(hashed "$stage/parlons_bg.wasm" parlons wasm)
js=$(hashed "$stage/parlons.js" parlons js)
css=$(hashed style/main.css style css)
printf "import init from './%s';\ninit({ module_or_path: new URL('./%s', import.meta.url) });\n" "$js" "$wasm" >"$stage/boot.js"
boot=$(hashed "$stage/boot.js" boot js)

sed -e "s/{{CSS}}/$css/" -e "s/{{JS}}/$js/" -e "s/{{WASM}}/$wasm/" -e "s/{{BOOT}}/$boot/" \
  public/index.html >"$out/index.html"
find public -maxdepth 1 -type f ! -name index.html -exec cp {} "$out/" \;

for f in "$out"/*; do
  case "$f" in *.html | *.js | *.css | *.wasm | *.svg)
    brotli -q 11 -f -k "$f"
    gzip -9 -n -f -k "$f" ;;
  esac
done

size() { wc -c <"$1" | tr -d ' '; }
w="$out/$wasm"
echo "client wasm: $(size "$w") bytes raw, $(size "$w.gz") gzip, $(size "$w.br") brotli"
total=0
for f in "$out"/index.html "$out/$js" "$out/$boot" "$out/$css" "$w"; do
  total=$((total + $(size "$f.br")))
done
echo "first load (html+js+wasm+css), brotli: $total bytes"
