# Shrimp — the two commands (README) and the pieces they are made of.
#   make run    the desktop app (embedded demo mode)
#   make test   everything CI checks
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

TOOLS ?= $(HOME)/.cache/shrimp/tools
export TAURI_DRIVER ?= $(TOOLS)/bin/tauri-driver
NPM := npm --prefix ui
CARGO ?= cargo

.PHONY: run test setup-run setup-test ui app lint lint-rust lint-ui test-ui test-rust bindings server \
	package dev clean

## The desktop app. Without a display (a headless machine) it opens on a virtual one.
run: setup-run ui
	$(CARGO) build -p shrimp-desktop
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		$(CARGO) run -p shrimp-desktop; \
	else \
		echo "No display found: opening Shrimp on a virtual display (Xvfb)."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(CARGO) run -p shrimp-desktop; \
	fi

## Everything: formatting, lints, UI checks and tests, Rust tests and the end-to-end journeys.
test: setup-test ui lint test-ui test-rust

setup-run:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

## The web front end, built into ui/dist (embedded into the app at compile time).
ui:
	$(NPM) run build

lint: lint-rust lint-ui

lint-rust: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --all-features --locked -- -D warnings

lint-ui:
	$(NPM) run lint
	$(NPM) run typecheck

test-ui:
	$(NPM) run test

## Rust unit, integration and end-to-end tests; services (Xvfb…) started and stopped around them.
test-rust: ui
	# The black-box tests run the built binaries (the app, the `shrimp` command line).
	$(CARGO) build --locked -p shrimp-desktop -p shrimp-cli
	scripts/with-services.sh $(CARGO) nextest run --workspace --locked --no-fail-fast

## Regenerates ui/src/ipc/bindings.ts from the Rust commands and events.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p shrimp-desktop --test ipc bindings_are_fresh
	$(MAKE) --no-print-directory ui

## A Linux .deb bundle (release build) under the target folder's release/bundle/deb/.
package: setup-run ui
	ui/node_modules/.bin/tauri build --bundles deb

## The app against Vite's dev server, with hot reload of the UI.
dev: setup-run
	ui/node_modules/.bin/tauri dev --config '{"build":{"devUrl":"http://localhost:5173","beforeDevCommand":"npm --prefix ui run dev"}}'

## Benchmarks, each a ratio against a reference measured in the same run (docs/benchmarks.md).
.PHONY: bench
bench:
	@scripts/setup.sh bench
	# bench_server runs the release server binary in its own process: build it first.
	$(CARGO) build --release -p shrimp-server
	scripts/with-services.sh $(CARGO) run --release -p shrimp-tests --example bench_server
	scripts/with-services.sh $(CARGO) run --release -p shrimp-tests --example bench_settlement
	$(CARGO) run --release -p shrimp-playback --example bench_decode
	$(CARGO) run --release -p shrimp-library --example bench -- all
	$(CARGO) run --release -p shrimp-synth --example bench_synth
	$(CARGO) run --release -p shrimp-server --example bench_seed
	$(MAKE) --no-print-directory bench-app

## The release app's cold start and idle memory with a 100,000-track library against an empty
## one, and its library scroll and search latency (needs the UI built and tauri-driver).
.PHONY: bench-app
bench-app: setup-test ui
	$(CARGO) build --release -p shrimp-desktop
	$(CARGO) build --release -p shrimp-library --example bench
	# The example finds the release app and the library generator next to itself.
	scripts/with-services.sh $(CARGO) run --release -p shrimp-tests --example bench_app

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules

## The marketplace backend alone, on a SQLite file in ./shrimp-server-data (see --help).
server:
	$(CARGO) run -p shrimp-server -- serve
