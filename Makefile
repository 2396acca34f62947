# The two commands: `make demo` runs Steward's main job on the embedded defaults,
# `make test` runs every check CI runs. Both set the machine up first.

CARGO ?= cargo
DEMO_DIR ?= .demo
STEWARD := $(or $(CARGO_TARGET_DIR),target)/debug/steward

.PHONY: demo test test-model bootstrap build web web-api fmt lint check-services

bootstrap:
	@scripts/bootstrap

build: bootstrap web
	$(CARGO) build --bin steward

# The stewards' dashboard: built with Node.js (no package install scripts run)
# into web/dist, which the steward binary embeds.
web: bootstrap
	cd web && npm ci --ignore-scripts --no-audit --no-fund && npm run build

# After an API change: the dashboard's copy of the OpenAPI document and the
# TypeScript types generated from it.
web-api:
	STEWARD_WRITE_OPENAPI=1 $(CARGO) test --quiet -p steward-server --lib openapi_copy
	cd web && npm run api-types

# The main job as far as it exists today: a catalog in $(DEMO_DIR), the bundled
# sample warehouse (a file lake and an operational SQLite database), a scan of
# both, what it found, its lineage and cost, a question asked of the catalog
# through the local model, a governance check of it all, and a demo admin for
# `steward serve` (its password printed once).
# Safe to run again. Grows with every feature.
demo: build
	@mkdir -p $(DEMO_DIR)
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) init
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) demo-data warehouse
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) source add lake warehouse/lake --exists-ok
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) source add app sqlite://warehouse/app.db --exists-ok
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) scan
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) tables
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) show raw.customers
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) pii
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) lineage ingest --query-log warehouse/query_log.jsonl --models warehouse/models --dialect duckdb
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) lineage raw.customers.email --downstream
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) search "where do we keep customer emails" --limit 5
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) cost --limit 5
	$(STEWARD) model pull qwen2.5-coder-0.5b
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) llm generate --max-tokens 120 \
		--system "You are Steward, a data governance assistant. Answer in two sentences." \
		"Why should a column of customer e-mail addresses copied into a mart table be masked?"
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) ask "Where does mart.customer_360 get its data from?"
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) check
	cd $(DEMO_DIR) && $(abspath $(STEWARD)) user add demo-admin --role admin --exists-ok
	@echo "serve the API with: cd $(DEMO_DIR) && $(abspath $(STEWARD)) serve   (log in as demo-admin with the password above; API docs at /docs)"

fmt:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# The LLM runtime's tests use the small test model, fetched once into the
# model cache and checked against its sha256.
test-model: bootstrap
	$(CARGO) run --quiet --locked --bin steward -- model pull smollm2-135m

# The test build's own binary pulls the model: `cargo run --bin steward`
# would build the workspace a second time with the CLI package's features.
test: bootstrap web fmt lint
	$(CARGO) test --workspace --locked --no-run
	$(STEWARD) model pull smollm2-135m
	$(CARGO) test --workspace --locked
	cd web && npm test
	scripts/api-fuzz $(STEWARD)
	scripts/mcp-check $(STEWARD)
	scripts/sql-check $(STEWARD)
	scripts/web-check $(STEWARD)
	@scripts/test-summary
