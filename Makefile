# Sammen: `make run` serves the portal on http://127.0.0.1:8000, `make test` runs every check.
# Both set up what they need on a fresh Debian 12 machine (see README.md).
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v /usr/bin/python3.11 || command -v python3.11 || command -v python3)
VENV := .venv
export PYTHON

.PHONY: help run test bench manage sysdeps-run sysdeps-test services stop messages e2e lint format

help:
	@echo "make run    set up everything and serve Sammen on http://127.0.0.1:8000 (Ctrl-C stops)"
	@echo "make test   lint, type-check and run the whole test suite against real services"
	@echo "make manage ARGS=\"import_hsds file.json\"  a management command on make run's database"
	@echo "make bench  p50/p95 of the hot reads vs their own SQL on the benchmark municipality"
	@echo "make stop   stop PostgreSQL and Redis if a run left them running"
	@echo "make messages  refresh the catalogues (locale/{nb,nn} and <app>/locale/{nb,nn})"

sysdeps-run:
	@scripts/sysdeps.sh run

sysdeps-test:
	@scripts/sysdeps.sh test

# The virtualenv is rebuilt only when the dependencies change. uv installs the packages: it
# fetches them several at a time where pip asked the index for ~110 one after another (a fresh
# clone without caches: 66 s wall and 17 s of CPU against pip's 117 s and 32 s); pip, which the
# venv brings, installs uv itself. uv reads none of pip's configuration: it is told to trust the
# system's certificate store, as /etc/pip.conf tells pip. Nothing is byte-compiled at install
# (~17 s of CPU for every module of every package): Python compiles what a process imports, once
# (scripts/env.sh keeps the bytecode it writes).
$(VENV)/.installed: pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet 'uv>=0.13,<0.14'
	UV_LINK_MODE=copy $(VENV)/bin/uv pip install --quiet --system-certs --python $(VENV)/bin/python -e '.[dev]'
	@touch $@

run: sysdeps-run $(VENV)/.installed
	@scripts/compile_messages.sh
	@scripts/run.sh

# scripts/test.sh makes the virtualenv (this file's rule) itself, beside the services' start.
test: sysdeps-test
	@scripts/test.sh $(ARGS)

bench: sysdeps-run $(VENV)/.installed
	@scripts/compile_messages.sh
	@scripts/bench.sh $(ARGS)

manage: sysdeps-run $(VENV)/.installed
	@scripts/compile_messages.sh
	@scripts/manage.sh $(ARGS)

stop:
	@scripts/services.sh stop

messages: $(VENV)/.installed
	@scripts/make_messages.sh

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
