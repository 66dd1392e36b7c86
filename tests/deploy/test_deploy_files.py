"""The deployment files agree with each other and with the code: the systemd units, the
container set-up and the Caddy routes run the same command with the same settings."""

from __future__ import annotations

import configparser
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ENV_PREFIX, Settings
from tests.deploy.test_production_topology import CADDY_TAKES_A_WORKER_BACK, REQUIRED
from tests.support.services import DEPLOY, REPOSITORY, caddy_binary

SYSTEMD = DEPLOY / "systemd"
PRIVILEGES = {
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "INDEX",
    "DROP",
    "REFERENCES",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((SYSTEMD / name).read_text())
    return parser


def env_names(path: Path) -> list[str]:
    return [
        line.split("=", 1)[0]
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def known_setting(name: str) -> bool:
    field = name.removeprefix(ENV_PREFIX).lower()
    aliases = {
        str(choice).upper()
        for info in Settings.model_fields.values()
        if info.validation_alias is not None
        for choice in getattr(info.validation_alias, "choices", [])
    }
    return field in Settings.model_fields or name in aliases


def test_every_production_setting_is_one_the_bot_reads() -> None:
    names = env_names(DEPLOY / "shopkeeps.env.example")
    assert "SHOPKEEPS_DATABASE_URL" in names and "SHOPKEEPS_WEBHOOK_SECRET" in names
    assert [n for n in names if not known_setting(n)] == []
    assert "SHOPKEEPS_WEB_PORT" not in names  # each worker's unit sets its own


def test_the_workers_run_shopkeeps_run_hardened_after_the_migrations() -> None:
    worker = unit("shopkeeps@.service")
    service = worker["Service"]
    assert service["ExecStart"].endswith("/bin/shopkeeps run")
    assert service["EnvironmentFile"] == "/etc/shopkeeps/shopkeeps.env"
    assert service["Restart"] == "always"
    assert service["User"] == "shopkeeps"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert "/var/backups/shopkeeps" in service["ReadWritePaths"].split()
    ports = (DEPLOY / "systemd" / "shopkeeps@.service").read_text()
    assert "Environment=SHOPKEEPS_WEB_PORT=844%i" in ports
    assert "shopkeeps-migrate.service" in worker["Unit"]["Requires"].split()
    assert "shopkeeps-migrate.service" in worker["Unit"]["After"].split()
    migrate = unit("shopkeeps-migrate.service")["Service"]
    assert migrate["Type"] == "oneshot"
    assert migrate["ExecStart"].endswith("/bin/shopkeeps db upgrade")
    assert migrate["EnvironmentFile"] == service["EnvironmentFile"]


def test_compose_runs_the_same_commands_and_settings_as_systemd() -> None:
    services = compose()["services"]
    assert set(services) == {"mariadb", "migrate", "worker1", "worker2", "caddy"}
    assert services["migrate"]["command"] == ["shopkeeps", "db", "upgrade"]
    assert services["mariadb"]["image"] == "mariadb:10.11"
    mounts = " ".join(services["mariadb"]["volumes"])
    assert "./mariadb/shopkeeps.cnf:" in mounts and "./mariadb-setup.sql:" in mounts
    for n, name in enumerate(("worker1", "worker2"), start=1):
        worker = services[name]
        assert worker["command"] == ["shopkeeps", "run"]
        assert worker["env_file"] == services["migrate"]["env_file"] == "shopkeeps.env"
        assert worker["environment"]["SHOPKEEPS_WEB_PORT"] == f"844{n}"
        assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert all(known_setting(key) for key in worker["environment"])
    caddy_mounts = " ".join(services["caddy"]["volumes"])
    assert "./caddy/shopkeeps-routes.caddy:/etc/caddy/shopkeeps-routes.caddy" in caddy_mounts


def test_the_image_installs_the_pinned_package_and_runs_shopkeeps_run() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm" in dockerfile
    assert 'CMD ["shopkeeps", "run"]' in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "USER shopkeeps" in dockerfile and "mariadb-client" in dockerfile
    assert "--require-hashes --requirement requirements/production.lock" in dockerfile
    assert "--no-deps --no-build-isolation --editable ." in dockerfile


def _locked(lock: str) -> dict[str, str]:
    """A lock file's packages and versions; every package must carry its files' hashes."""
    text = (REPOSITORY / "requirements" / lock).read_text()
    name, version, markers = r"^([A-Za-z0-9_.-]+)", r"==([^\s;]+)", r"[^\\\n]*"
    hashes = r"((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)"
    entries = re.findall(name + version + markers + hashes, text, re.M)
    unhashed = [name for name, _, hashes in entries if "--hash=sha256:" not in hashes]
    assert not unhashed, f"{lock}: no hash for {unhashed}"
    return {name.lower().replace("_", "-"): version for name, version, _ in entries}


@pytest.mark.parametrize(("lock", "extras"), [("production.lock", ()), ("dev.lock", ("dev",))])
def test_a_lock_file_pins_every_package_with_hashes_at_the_versions_pyproject_pins(
    lock: str, extras: tuple[str, ...]
) -> None:
    locked = _locked(lock)
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())
    wanted = list(project["project"]["dependencies"])
    for extra in extras:
        wanted += project["project"]["optional-dependencies"][extra]
    wanted += [
        line
        for line in (REPOSITORY / "requirements" / "build.in").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    for requirement in wanted:
        name, version = re.split(r"(?:\[[^]]*\])?==", requirement)
        assert locked.get(name.lower().replace("_", "-")) == version, f"{requirement} in {lock}"
    # What the direct pins pull in is pinned too (the reason for a lock file).
    for pulled_in in ("tornado", "httpx", "yarl", "multidict", "greenlet"):
        assert pulled_in in locked, f"{pulled_in} is not locked in {lock}"


def test_the_database_account_has_only_what_the_bot_needs_on_its_own_database() -> None:
    sql = (DEPLOY / "mariadb-setup.sql").read_text()
    statements = [s for s in re.sub(r"--[^\n]*", "", sql).split(";") if s.strip()]
    [grant] = [s for s in statements if " ON " in s and s.strip().startswith("GRANT")]
    granted = re.search(r"GRANT(.*?)\s+ON\s+(\S+)", grant, re.S)
    assert granted is not None
    assert {p.strip() for p in granted[1].split(",")} == PRIVILEGES
    assert granted[2] == "`shopkeeps`.*"
    assert "utf8mb4_unicode_ci" in sql
    cnf = (DEPLOY / "mariadb" / "shopkeeps.cnf").read_text()
    assert "transaction-isolation = READ-COMMITTED" in cnf
    assert (
        'isolation_level="READ COMMITTED"'
        in (REPOSITORY / "bot" / "persistence" / "engine.py").read_text()
    )
    assert "character-set-server = utf8mb4" in cnf


def test_caddy_reads_the_production_caddyfile_and_keeps_metrics_private(tmp_path: Path) -> None:
    binary = caddy_binary()
    if binary is None:
        if REQUIRED:
            pytest.fail("caddy is not installed: `make caddy` installs Debian's", pytrace=False)
        pytest.skip("caddy is not installed: `make caddy` installs Debian's")
    routes = DEPLOY / "caddy" / "shopkeeps-routes.caddy"
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        (DEPLOY / "caddy" / "Caddyfile")
        .read_text()
        .replace("/etc/caddy/shopkeeps-routes.caddy", str(routes))
    )
    env = {
        "SHOPKEEPS_DOMAIN": "shop.example.com",
        "SHOPKEEPS_ACME_EMAIL": "owner@example.com",
        "SHOPKEEPS_WEBHOOK_PATH": "/telegram/abc",
        "HOME": str(tmp_path),
    }
    adapted = subprocess.run(
        [binary, "adapt", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert adapted.returncode == 0, adapted.stderr
    config = adapted.stdout
    assert '"shop.example.com"' in config
    assert '"/telegram/abc","/healthz","/readyz"' in config
    assert "/metrics" not in config
    assert '"uri":"/healthz"' in config
    assert '"dial":"127.0.0.1:8441"' in config and '"dial":"127.0.0.1:8442"' in config


def test_the_upgrade_waits_as_long_as_caddy_leaves_a_failed_worker_out() -> None:
    routes = (DEPLOY / "caddy" / "shopkeeps-routes.caddy").read_text()
    found = re.search(r"fail_duration (\d+)s", routes)
    assert found is not None
    assert int(found[1]) < CADDY_TAKES_A_WORKER_BACK
    assert f"sleep {int(found[1]) + 1}" in (DEPLOY.parent / "README.md").read_text()
