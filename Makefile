# `make run` and `make test` each do their own set-up on a fresh machine.
SHELL := /bin/bash
NODE_STAMP := node_modules/.package-lock.stamp

.PHONY: run test setup system test-deps build bench clean

run: setup build
	node bin/nas-ledger.js run --plot nas-ledger-run.svg

test: setup test-deps build
	node tests/run-tests.mjs

# The Kafka jars (Maven Central) and the transformers/peft venv (PyPI), cached under .cache/.
test-deps:
	./scripts/setup-kafka.sh
	./scripts/setup-llm-venv.sh

setup: system $(NODE_STAMP)

system:
	./scripts/setup-system.sh

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: $(NODE_STAMP)
	npx tsc -p tsconfig.json

clean:
	rm -rf dist
