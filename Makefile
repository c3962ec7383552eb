# `make run`: set up and start NightDesk (web + worker) on 127.0.0.1:$(PORT).
# `make test`: set up and run the suite on SQLite, then on PostgreSQL + Redis when they answer.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-sqlite test-postgres lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/flask --app wsgi db upgrade
	@echo "NightDesk on http://127.0.0.1:$(PORT) (Ctrl-C stops web and worker)"
	HOST=127.0.0.1 PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile web worker

test: $(VENV)/.dev-deps
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python tests/services_up.py "$(PG_URL)" "$(REDIS_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL/Redis leg did not run (servers not answering) — CI requires it"; exit 1; \
	else \
		echo "PostgreSQL/Redis not answering: that leg was skipped"; \
	fi

test-sqlite: $(VENV)/.dev-deps
	@echo "== suite on SQLite (database and queue)"
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev-deps
	@echo "== suite on PostgreSQL + Redis"
	NIGHTDESK_TEST_DATABASE_URL="$(PG_URL)" NIGHTDESK_TEST_QUEUE_URL="$(REDIS_URL)" \
		$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	$(BIN)/python bench/queue_latency.py
	$(BIN)/python bench/queue_latency.py --queue "$(REDIS_URL)"
	$(BIN)/python bench/page_storm.py --incidents 100
	$(BIN)/python bench/page_storm.py --incidents 100 --database "$(PG_URL)" --queue "$(REDIS_URL)"
	$(BIN)/python bench/triage_eval.py
	$(BIN)/python bench/webhook_latency.py --runs 3
	$(BIN)/python bench/dead_air.py --runs 3
	$(BIN)/python bench/last_words_to_page.py --runs 3
	$(BIN)/python bench/calls_per_minute.py --runs 3 --database "$(PG_URL)" --queue "$(REDIS_URL)"

clean:
	rm -rf $(VENV) .pytest_cache
