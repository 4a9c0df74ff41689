# examapp: `make run` serves the demo site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test test-browser lint translations setup clean bench reliability province-data bench-province

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	$(FLASK) translate compile

run: setup
	mkdir -p instance
	@test -s instance/config.py || $(BIN)/python -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > instance/config.py
	@test -s instance/demo-password || $(BIN)/python -c "import secrets, string; a = string.ascii_letters + string.digits; print(''.join(secrets.choice(a) for _ in range(12)))" > instance/demo-password
	$(FLASK) db upgrade
	$(FLASK) content load
	$(FLASK) demo seed --password "$$(cat instance/demo-password)"
	@echo "演示账号：admin、examiner、hr、unitadmin、leader1、cadre1…cadre20、grid1…grid40"
	@echo "演示密码：$$(cat instance/demo-password)（也保存在 instance/demo-password）"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# Fault and load runs of the app under gunicorn (tests/reliability, marker `reliability`; README "Reliability"):
# kill -9 of workers, a private PostgreSQL cluster restarted, a SQLite writer hog. DATABASE_URL picks the database.
reliability: setup
	$(BIN)/pytest -m reliability tests/reliability $(PYTEST_ARGS)

test-browser: setup
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check examapp tests

translations: setup
	$(BIN)/python scripts/i18n.py
	$(FLASK) translate compile

# Every figure of issue 13 in one table against its target (benchmarks/README.md): the exam day against the
# ceiling app, certificates, imports, paper draw, and the province figures when `make province-data` has run.
# Installs nothing: it needs the venv, gunicorn (pip install '.[deploy]') and Debian's wrk, and says so.
bench:
	@test -x $(BIN)/python || { echo "make bench: no $(VENV) yet; run 'make setup' and '$(BIN)/pip install .[deploy]' first"; exit 2; }
	$(FLASK) translate compile
	$(BIN)/python benchmarks/run.py

# The province data set (PostgreSQL, drops and recreates the scratch database examapp_province; about an
# hour on a shared 2-core machine, ~25 GB) and the figures measured on it (benchmarks/README.md).
province-data:
	$(BIN)/python benchmarks/province.py

bench-province:
	$(BIN)/python benchmarks/province_bench.py

clean:
	rm -rf $(VENV) instance/examapp.sqlite*
