# Two commands are the whole set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit browser caddy clean bench translations lock

# Every package comes from requirements/dev.lock, checked against its hash (`make lock`
# refreshes the lock files after a change to pyproject.toml's pins).
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		--requirement requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation -e .
	touch $(STAMP)

## Run the bot (SQLite by default; configure it in .env, see .env.example).
## With no token configured it opens the offline playground on http://127.0.0.1:8080.
run: $(STAMP)
	$(BIN)/shopkeeps run

## Debian's Chromium for the playground's browser test (never a downloaded browser), and an
## emoji font so its screenshots show what people see. Needs root or sudo; without them the
## browser test is skipped (and fails in CI, where SHOPKEEPS_REQUIRE_BROWSER=1).
CHROMIUM_PACKAGES := chromium fonts-noto-color-emoji
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
browser:
	@if [ -x /usr/bin/chromium ] && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then :; \
	else echo "Installing Debian's $(CHROMIUM_PACKAGES) for the browser test..."; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $(CHROMIUM_PACKAGES) >/dev/null ) \
	  || echo "Could not install $(CHROMIUM_PACKAGES); the browser test will be skipped."; fi

## Debian's caddy for the production topology test (tests/deploy): the test starts its own
## Caddy on free ports, so the caddy.service the package enables is stopped and disabled again
## when this installed it. Needs root or sudo; without them the test is skipped (and fails in
## CI, where SHOPKEEPS_REQUIRE_CADDY=1).
caddy:
	@if [ -x /usr/bin/caddy ]; then :; \
	else echo "Installing Debian's caddy for the production topology test..."; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends caddy >/dev/null \
	    && { $(SUDO) systemctl disable --now caddy.service >/dev/null 2>&1 || true; } ) \
	  || echo "Could not install caddy; the production topology test will be skipped."; fi

## Lint, type-check and run the whole test suite (MariaDB tests run when it is reachable).
test: $(STAMP) lint typecheck browser caddy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

## Speed: every figure of the README's speed table, on SQLite and MariaDB (about 10 minutes);
## the table and the machine go to bench/results/. `make bench BENCH=--quick` for a first look.
bench: $(STAMP)
	$(BIN)/python -m bench.all $(BENCH)

## Maintainers: pin a changed dependency in pyproject.toml, then `make lock` writes the lock files
## again (every package they pull in, with the hashes of its files) for make, CI and deploy/.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--no-header pyproject.toml requirements/build.in
lock: $(STAMP)
	$(LOCK) --output-file requirements/production.lock
	$(LOCK) --extra dev --output-file requirements/dev.lock

## Translators: bring every catalogue in bot/locales up to the texts the code says (new ones
## empty, gone ones dropped); then translate the empty ones. `make test` checks them.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --omit-header -k t -k plural:1,2 -k said \
		-o $(VENV)/shopkeeps.pot bot
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date \
		-i $(VENV)/shopkeeps.pot -d bot/locales -D shopkeeps
