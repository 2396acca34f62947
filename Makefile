# The two commands: `make demo` runs Steward's main job on the embedded defaults,
# `make test` runs every check CI runs. Both set the machine up first.

CARGO ?= cargo
DEMO_DIR ?= .demo
STEWARD := $(or $(CARGO_TARGET_DIR),target)/debug/steward

.PHONY: demo test bootstrap build fmt lint check-services

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(CARGO) build --bin steward

# The main job as far as it exists today: set up a catalog in $(DEMO_DIR) and
# show what it holds. Grows with every feature.
demo: build
	@mkdir -p $(DEMO_DIR)
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) init
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) migrate
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) config show
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) status

fmt:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test: bootstrap fmt lint
	$(CARGO) test --workspace --locked
	@scripts/test-summary
