# The two commands a newcomer runs: `make demo` and `make test`. Both set up what is missing first.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: setup system demo test lint bench snapshots clean

setup: system .venv/.synced
	@# Our own modules too: with PYTHONDONTWRITEBYTECODE set, nothing else would
	@# ever compile them, and every command would pay for it at start-up.
	@$(PY) -m compileall -q tracker bench

system:
	@scripts/setup-system.sh

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet --compile-bytecode
	@touch $@

demo: setup
	.venv/bin/tracker songs/demo.toml

lint: setup
	.venv/bin/ruff check tracker tests bench
	.venv/bin/ruff format --check tracker tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports

test: lint
	$(PY) -m pytest -q

bench: setup
	$(PY) -m bench

snapshots: setup
	$(PY) -m pytest tests/ui --snapshot-update -q

clean:
	rm -rf .venv .tools .mypy_cache .pytest_cache .ruff_cache
