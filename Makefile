# The two commands a newcomer needs:   make run   and   make test
# Everything else is here for people who work on the bot.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
# npm's own record of what `npm ci` installed: newer than package-lock.json once done.
NODE_MODULES := node_modules/.package-lock.json

export RASA_PORT          ?= 5005
export ACTION_PORT        ?= 5055
export ACTION_SERVER_URL  ?= http://localhost:$(ACTION_PORT)/webhook
export WIDGET_PORT        ?= 8000
export REVIEW_PORT        ?= 8100
# Rasa and TensorFlow are chatty at start-up; keep the terminal readable.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1

.PHONY: help setup system-packages run test unit train validate shell actions staff-account lint typecheck evaluate bench stack content-sheet lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

system-packages:  ## Install the Debian packages the project needs, if missing (apt-get, sudo when not root)
	@scripts/install_system_packages.sh

$(INSTALLED): requirements.lock requirements-hashed.txt pyproject.toml scripts/setup_venv.sh
	scripts/setup_venv.sh

$(NODE_MODULES): package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund

setup: system-packages $(INSTALLED) $(NODE_MODULES)  ## Debian packages, .venv (Python 3.10, the project editable) and node_modules/

train: $(INSTALLED)  ## Train a model (skipped by Rasa's fingerprinting when nothing changed)
	scripts/train.sh

validate: $(INSTALLED)  ## Check data, domain and config for errors and warnings
	$(BIN)/python scripts/validate.py

run: setup train  ## Start the bot (:5005), actions (:5055), demo page (:8000) and staff review app (:8100)
	@scripts/check_python_patch.sh $(BIN)/python
	scripts/run.sh

shell: train  ## Talk to the bot in the terminal (starts the action server too)
	scripts/run.sh shell

actions: $(INSTALLED)  ## Start only the action server (needs ACTION_SERVER_TOKEN, as the Rasa server)
	SANIC_HOST=127.0.0.1 $(BIN)/python scripts/run_actions.py --actions actions --port $(ACTION_PORT)

stack: setup train  ## Run the multi-instance deployment here: nginx, 2 Rasa, PostgreSQL, Redis (Debian packages)
	$(BIN)/python scripts/run_stack.py

test: setup validate train lint typecheck  ## Set up, validate, train, then run the whole test suite
	$(BIN)/pytest

unit: $(INSTALLED)  ## The fast loop: every test that needs neither a trained model nor a server (< 2 min)
	FUZZ_SCALE=0.2 $(BIN)/pytest -m "not model and not server" -q

staff-account: $(INSTALLED)  ## Create a staff review account: make staff-account EMAIL=ana@center.org NAME="Ana Diaz" [ADMIN=1]
	@test -n "$(EMAIL)" -a -n "$(NAME)" || { echo 'Usage: make staff-account EMAIL=you@center.org NAME="Your Name" [ADMIN=1]'; exit 2; }
	$(BIN)/python -m review.cli create-account --email "$(EMAIL)" --name "$(NAME)" $(if $(ADMIN),--admin)

lint: $(INSTALLED)  ## ruff
	$(BIN)/ruff check actions channels clinic content devtools nlu_components policies rasa_sdk_plugins review storage tests scripts
	$(BIN)/ruff format --check actions channels clinic content devtools nlu_components policies rasa_sdk_plugins review storage tests scripts

typecheck: $(INSTALLED)  ## mypy
	$(BIN)/mypy actions channels clinic content devtools nlu_components policies rasa_sdk_plugins review storage

evaluate: train  ## Measure the model: tests/nlu_test.yml, the safety set, the independent sets (dev24, test), staff labels
	$(BIN)/python scripts/evaluate_nlu.py
	$(BIN)/python scripts/evaluate_safety.py
	$(BIN)/python scripts/evaluate_independent.py
	$(BIN)/python scripts/evaluate_reviewed.py

bench: setup train  ## Benchmark our bot against Rasa's stock bot under load (docs/benchmarks.md; ~15 min)
	$(BIN)/python scripts/benchmark.py --measure-training $(BENCH_ARGS)

content-sheet: $(INSTALLED)  ## Write docs/content-review.md, every text the bot can say, for clinical sign-off
	$(BIN)/python -m content.sheet

lock: $(INSTALLED)  ## Re-resolve requirements.in into requirements.lock
	scripts/lock_requirements.sh

clean:  ## Remove trained models and caches (keeps .venv)
	rm -rf models .rasa results .pytest_cache .mypy_cache .ruff_cache
