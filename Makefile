# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test venv lint format typecheck messages bench bench-cpu bench-rls bench-weight bench-offline bench-lighthouse clean-db security backup restore \
	cluster cluster-stop cluster-packages loadtest

run: $(STAMP)
	$(PYTHON) scripts/dev.py run

test: $(STAMP)
	$(PYTHON) scripts/dev.py test $(PYTEST_ARGS)

venv: $(STAMP)

# Python 3.12 or newer: python3 if it is new enough (pyenv reads .python-version), else
# python3.13 / python3.12 from the PATH. One line per step with its time; pip's own output
# goes to var/pip-install.log and is shown only if the install fails.
$(STAMP): requirements.txt requirements-dev.txt
	@set -e; \
	for candidate in python3 python3.13 python3.12; do \
	  if command -v $$candidate >/dev/null 2>&1 && \
	     $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    PY=$$candidate; break; fi; \
	done; \
	if [ -z "$$PY" ]; then echo "Python 3.12 or newer is needed (apt-get install python3)"; exit 1; fi; \
	took() { awk -v start="$$1" -v now="$$EPOCHREALTIME" 'BEGIN { printf " %.1f s\n", now - start }'; }; \
	if [ ! -x $(PYTHON) ]; then \
	  printf 'alongside: creating the virtualenv (.venv, %s) ...' "$$($$PY --version)"; start=$$EPOCHREALTIME; \
	  $$PY -m venv $(VENV) || { echo; echo "Install python3-venv (apt-get install python3-venv)"; exit 1; }; \
	  took $$start; \
	fi; \
	mkdir -p var; \
	printf 'alongside: installing the pinned packages (requirements-dev.txt; about a minute the first time) ...'; \
	start=$$EPOCHREALTIME; \
	if ! $(PYTHON) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt \
	     >var/pip-install.log 2>&1; then echo " failed:"; cat var/pip-install.log; exit 1; fi; \
	took $$start
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

typecheck: $(STAMP)
	DATABASE_URL=postgres://typecheck@127.0.0.1/unused $(BIN)/mypy .

# Static security checks: bandit must find nothing of high severity (docs/security.md).
security: $(STAMP)
	$(BIN)/bandit --quiet --recursive . --exclude ./.venv,./var --severity-level high

# Backup drill (scripts/backup.py): a custom-format dump and its manifest into var/backups/;
# restore one into a fresh database, compare row counts and checksums, run pg_amcheck.
backup: $(STAMP)
	$(PYTHON) scripts/backup.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/<name>.dump [DROP=1]"; exit 2; }
	$(PYTHON) scripts/backup.py restore "$(FILE)" $(if $(DROP),--drop)

# Refresh the message catalogues after changing user-facing strings, then translate
# locale/es/LC_MESSAGES/django.po and run this again to compile it.
messages: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=postgres://unused/unused \
	  $(PYTHON) manage.py makemessages --locale es --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*'
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=postgres://unused/unused \
	  $(PYTHON) manage.py compilemessages --locale es --ignore '.venv/*'

# Seed two databases at scale and time the worker pages (bench/README.md); SCALE=0.1 is quick.
bench: $(STAMP)
	$(PYTHON) -m bench.run

# What row-level security costs the person page and the log-contact post, as the app role,
# with the policies on and off in one run (bench/rls.py; SCALE=0.1 is quick).
bench-rls: $(STAMP)
	$(PYTHON) -m bench.rls

# Log a contact's weight on a phone, first load and repeat load, served as in production
# (gunicorn, collected static files); needs Debian's Chromium (bench/page_weight.py).
bench-weight: $(STAMP)
	$(PYTHON) -m bench.page_weight

# CPU per request of the load test's mix, this checkout against a baseline commit (bench/cpu.py).
bench-cpu: $(STAMP)
	$(PYTHON) -m bench.cpu

# Offline use: the shell a phone downloads, and 100 queued contacts sent over 400 kbit/s, 400 ms
bench-offline: $(STAMP)
	$(PYTHON) -m bench.offline

# Lighthouse (mobile profile) on Log a contact, served as in production; needs Node.js and npm
# (apt-get install nodejs npm) and Debian's Chromium. The pinned Lighthouse is installed into
# bench/lighthouse/node_modules from its lock file, no browser downloaded (bench/lighthouse.py).
LIGHTHOUSE := bench/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed (apt-get install nodejs npm)"; exit 1; }
	cd bench/lighthouse && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(LIGHTHOUSE)

bench-lighthouse: $(STAMP) $(LIGHTHOUSE)
	$(PYTHON) -m bench.lighthouse

# Past one machine, on loopback (scripts/cluster.py, docs/scaling.md): a PostgreSQL primary and
# a streaming replica, PgBouncer, two gunicorn app nodes, a db_worker and HAProxy, all in
# var/cluster/. PgBouncer and HAProxy come from Debian's packages, installed when missing.
cluster: $(STAMP) cluster-packages
	$(PYTHON) scripts/cluster.py start

cluster-stop:
	$(PYTHON) scripts/cluster.py stop

# Locust against the cluster (started if needed), then the same with faults; figures into
# bench/results.json (bench/README.md). Bounded: fixed users and durations, loopback only.
loadtest: $(STAMP) cluster-packages
	$(PYTHON) -m bench.loadtest

cluster-packages:
	@missing=""; for tool in pgbouncer haproxy; do \
	  command -v $$tool >/dev/null 2>&1 || test -x /usr/sbin/$$tool || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "Install them first: sudo apt-get install$$missing"; exit 1; fi; \
	  echo "installing$$missing (Debian packages)"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq$$missing >/dev/null; \
	fi

clean-db:
	$(PYTHON) scripts/devdb.py stop || true
	rm -rf var/postgres var/postgres-password var/postgres-app-password
