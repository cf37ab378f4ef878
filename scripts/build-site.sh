#!/usr/bin/env bash
# Builds the client into target/site: the size-tuned wasm, its JS glue, the
# CSS and index.html, with content-hashed names and .br/.gz beside each file.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=wasm-release
out=target/site
stage=target/wasm-bindgen

# --emit-relocs lets wasm-split-cli move the code that only a split point
# (frontend/src/ui/shell/chunks.rs) reaches into a chunk of its own.
# PARLONS_FEATURES: the frontend's cargo features (the e2e build's
# crash-test), never set for a release.
RUSTC_BOOTSTRAP=1 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-args=--emit-relocs -Zlocation-detail=none" \
  cargo build --profile "$profile" --target wasm32-unknown-unknown -p parlons-frontend \
  --features "${PARLONS_FEATURES:-}"
split=target/wasm-split
rm -rf "$split" "$stage" "$out"
mkdir -p "$split" "$stage" "$out"
wasm-split-cli --target web --out-name parlons \
  "target/wasm32-unknown-unknown/$profile/parlons-frontend.wasm" "$split"
# The loader calls into the main module's function table: keep its export.
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$stage" --out-name parlons "$split/parlons.wasm"
# split_NAME.wasm per split point, chunk_N.wasm for code two of them share.
cp "$split"/__wasm_split.js "$split"/split_*.wasm "$stage"/
cp "$split"/chunk_*.wasm "$stage"/ 2>/dev/null || true
# binaryen 132 from npm: Debian's 108 mangles wasm-bindgen's externref table.
# -Oz takes about 40% off the raw size and 25% off the brotli size. Then
# functions sorted by name, so that a module's functions sit together:
# 1.0 to 1.6 KB less brotli in three builds measured; --converge runs the
# passes again until nothing changes (0.5 KB less).
# PARLONS_WASM_NAMES=1 keeps function names, for CPU profiles.
# --low-memory-unused folds small constant offsets into loads and stores;
# it holds because the linker puts the stack first and the data at 1 MiB,
# so nothing lives in the first KiB (2.5 KB less brotli).
opt=(-Oz --converge --reorder-functions-by-name --low-memory-unused)
[ -z "${PARLONS_WASM_NAMES:-}" ] || opt+=(-g)
for w in "$stage"/*.wasm; do
  e2e/node_modules/.bin/wasm-opt "${opt[@]}" "$w" -o "$w.opt"
  mv "$w.opt" "$w"
done

# wasm-bindgen's glue and the chunk loader, minified (terser from npm;
# imports become `from"./x.js"`, as the rewrites below expect).
for f in "$stage/parlons.js" "$stage/__wasm_split.js"; do
  e2e/node_modules/.bin/terser "$f" --module --compress --mangle -o "$f.min"
  mv "$f.min" "$f"
done

# name-<16 hex digits>.ext: the gateway serves these as immutable.
hashed() {
  local file=$1 stem=$2 ext=$3
  local h
  h=$(sha256sum "$file" | cut -c1-16)
  cp "$file" "$out/$stem-$h.$ext"
  echo "$stem-$h.$ext"
}

# Replaces $2 by $3 in file $1, which must hold it.
rewrite() {
  grep -qF -- "$2" "$1" || { echo "build-site: no $2 in $1" >&2; exit 1; }
  sed -i "s|$2|$3|g" "$1"
}

wasm=$(hashed "$stage/parlons_bg.wasm" parlons wasm)
chunks=()
for c in "$stage"/split_*.wasm "$stage"/chunk_*.wasm; do
  [ -e "$c" ] || continue
  stem=$(basename "$c" .wasm)
  name=$(hashed "$c" "$stem" wasm)
  chunks+=("$name")
  rewrite "$stage/__wasm_split.js" "\"./$stem.wasm\"" "\"./$name\""
done
# parlons.js and the chunk loader import each other: one hash names both.
h=$(cat "$stage/parlons.js" "$stage/__wasm_split.js" | sha256sum | cut -c1-16)
js=parlons-$h.js
loader=__wasm_split-$h.js
# Only the imports: the import object's keys must keep the name in the wasm.
rewrite "$stage/parlons.js" 'from"./__wasm_split.js"' "from\"./$loader\""
rewrite "$stage/__wasm_split.js" 'from"./parlons.js"' "from\"./$js\""
cp "$stage/parlons.js" "$out/$js"
cp "$stage/__wasm_split.js" "$out/$loader"
# The stylesheet without comments and spare spaces (perl-base is in every
# Debian): 0.5 KB less brotli. No space before a colon is removed, so a
# descendant pseudo-class keeps its meaning.
perl -0777 -pe 's{/\*.*?\*/}{}gs; s/\s+/ /g; s/ ?([{};,>]) ?/$1/g; s/: /:/g; s/;}/}/g; s/^ //' \
  style/main.css >"$stage/main.css"
css=$(hashed "$stage/main.css" style css)
sed -e "s/{{JS}}/$js/" -e "s/{{WASM}}/$wasm/" public/boot.js >"$stage/boot.src.js"
e2e/node_modules/.bin/terser "$stage/boot.src.js" --module --compress --mangle -o "$stage/boot.js"
boot=$(hashed "$stage/boot.js" boot js)

# French is fetched when first needed (frontend/src/i18n/load.rs): built
# into the wasm, it weighed about 3 KB on every first load.
fr=$(hashed frontend/src/i18n/fr.ftl fr ftl)
sed -e "s/{{CSS}}/$css/" -e "s/{{JS}}/$js/" -e "s/{{LOADER}}/$loader/" -e "s/{{WASM}}/$wasm/" -e "s/{{BOOT}}/$boot/" \
  -e "s/{{FR}}/$fr/" public/index.html >"$out/index.html"
find public -maxdepth 1 -type f ! -name index.html ! -name sw.js ! -name boot.js -exec cp {} "$out/" \;
shell=$(printf "'./%s', " "$js" "$loader" "$boot" "$css" "$wasm" "$fr" favicon.svg)
build=$(cat "$out/index.html" | sha256sum | cut -c1-16)
sed -e "s|{{SHELL}}|${shell%, }|" -e "s|{{BUILD}}|$build|" public/sw.js >"$out/sw.js"

for f in "$out"/*; do
  case "$f" in *.html | *.js | *.css | *.wasm | *.svg | *.ftl)
    brotli -q 11 -f -k "$f"
    gzip -9 -n -f -k "$f" ;;
  esac
done

size() { wc -c <"$1" | tr -d ' '; }
w="$out/$wasm"
echo "client wasm: $(size "$w") bytes raw, $(size "$w.gz") gzip, $(size "$w.br") brotli"
total=0
for f in "$out"/index.html "$out/$js" "$out/$loader" "$out/$boot" "$out/$css" "$w"; do
  total=$((total + $(size "$f.br")))
done
echo "first load (html+js+wasm+css), brotli: $total bytes"
for c in "${chunks[@]}"; do
  echo "on demand: $c, $(size "$out/$c.br") bytes brotli"
done
