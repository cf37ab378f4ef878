# Parlons: `make run` and `make test` work on a fresh Debian machine as root.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
WASM := --target wasm32-unknown-unknown

.PHONY: help deps build site gateway run test lint unit e2e fmt clean

help:
	@echo "make run    build everything and start a demo: Prosody + parlons on http://127.0.0.1:8080"
	@echo "make test   every check CI runs"
	@echo "make build  target/release/parlons and the client in target/site"

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
	$(CARGO) clippy -p parlons-shared -p parlons-frontend $(WASM) --all-targets -- -D warnings

unit: deps
	$(CARGO) test --workspace

e2e: deps site
	$(CARGO) build -p parlons-backend -p parlons-harness
	cd e2e && npx playwright test

test: lint unit e2e
	@echo "make test: all checks passed"

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf e2e/node_modules
