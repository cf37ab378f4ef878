# Parlons: `make run` and `make test` work on a fresh Debian machine as root.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
WASM := --target wasm32-unknown-unknown

FUZZ_SECONDS ?= 60

.PHONY: help deps build site gateway run test lint unit e2e fuzz bench fmt clean

help:
	@echo "make run    build everything and start a demo: Prosody + parlons on http://127.0.0.1:8080"
	@echo "make test   every check CI runs"
	@echo "make build  target/release/parlons and the client in target/site"
	@echo "make bench  the gateway, load and client benchmarks (see docs/benchmarks.md)"

deps:
	@scripts/install-deps.sh

gateway: deps
	$(CARGO) build --release -p parlons-backend -p parlons-harness

site: deps
	scripts/build-site.sh

build: gateway site

run: build
	target/release/parlons-harness demo --parlons target/release/parlons \
		--site-dir target/site --data target/demo --listen 127.0.0.1:8080

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p parlons-shared -p parlons-frontend -p unicode-normalization $(WASM) --all-targets -- -D warnings
	@# The session core stays sans-IO: no runtime, no browser bindings.
	@! $(CARGO) tree -p parlons-shared $(WASM) -e normal | grep -E '\b(tokio|mio|web-sys) v' 

unit: deps
	$(CARGO) test --workspace

# The e2e build adds a way to make the client trap (feature crash-test),
# which releases never have.
e2e: deps
	PARLONS_FEATURES=crash-test scripts/build-site.sh
	$(CARGO) build -p parlons-backend -p parlons-harness
	cd e2e && npx playwright test

# cargo fuzz passes unstable rustc flags; RUSTC_BOOTSTRAP lets the one
# stable toolchain take them. No sanitizer: the code forbids unsafe.
fuzz: deps
	cd fuzz && for t in splitter client_message styling session; do \
		mkdir -p corpus/$$t && \
		RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --release $$t corpus/$$t seeds/$$t \
			-- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 2>&1 | tail -n 25 || exit 1; \
	done

bench: deps site
	$(CARGO) bench -p parlons-shared --bench styling
	$(CARGO) bench -p parlons-backend --bench xml
	$(CARGO) bench -p parlons-backend --bench relay
	$(CARGO) bench -p parlons-backend --bench load
	$(CARGO) bench -p parlons-backend --bench abuse
	$(CARGO) build --release -p parlons-backend -p parlons-harness
	cd e2e && PARLONS_BIN_DIR=$(CURDIR)/target/release npx playwright test --config playwright.bench.config.ts

test: lint unit fuzz e2e
	@echo "make test: all checks passed"

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf e2e/node_modules
