# `make run` and `make test` each do their own set-up on a fresh machine.
SHELL := /bin/bash
NODE_STAMP := node_modules/.package-lock.stamp

.PHONY: run test lint setup system test-deps build bench clean

run: setup build
	node bin/nas-ledger.js run --plot nas-ledger-run.svg

test: setup test-deps build lint
	node tests/run-tests.mjs

# ESLint (type-checked rules, line length), the browser script's type check, the layer rules (dependency-cruiser)
# and ruff: any finding fails `make test`.
lint: setup test-deps
	npm run lint

# The Kafka jars (Maven Central), the transformers/peft venv and ruff (PyPI), cached under .cache/.
test-deps:
	./scripts/setup-kafka.sh
	./scripts/setup-llm-venv.sh
	./scripts/setup-lint.sh
	./scripts/setup-analysis-venv.sh

setup: system $(NODE_STAMP)

system:
	./scripts/setup-system.sh

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: $(NODE_STAMP)
	npx tsc -p tsconfig.json
	node scripts/build-dashboard.mjs

clean:
	rm -rf dist
