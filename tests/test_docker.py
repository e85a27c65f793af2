"""docker/: the compose file, the Dockerfile and their companions hold what a working deployment needs.

No Docker engine runs here: the files are read and checked (`make docker-check` adds `docker compose config`
where Docker is installed).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """docker/compose.yaml, parsed."""
    loaded = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_postgresql_has_a_password_from_the_env_file_and_a_healthcheck(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    env = db["environment"]
    assert "POSTGRES_HOST_AUTH_METHOD" not in env  # never `trust`
    assert env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")  # refused when unset
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"]


def test_migrations_run_once_before_the_app_which_waits_for_healthy_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["eventops", "init"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["caddy"]["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])


def test_long_running_services_restart_and_the_app_knows_its_proxy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {name: services[name]["restart"] for name in ("db", "app", "caddy")} == dict.fromkeys(
        ("db", "app", "caddy"), "unless-stopped"
    )
    app_env = services["app"]["environment"]
    caddy_address = services["caddy"]["networks"]["frontend"]["ipv4_address"]
    assert app_env["EVENTOPS_TRUSTED_PROXIES"] == caddy_address
    assert app_env["EVENTOPS_PUBLIC_URL"].startswith("https://")
    assert app_env["EVENTOPS_DATABASE_URL"].startswith(
        "postgresql+asyncpg://eventops:${POSTGRES_PASSWORD}@db:"
    )
    assert app_env["EVENTOPS_COOKIE_SECURE"] == "1"


def test_caddy_serves_https_for_the_domain_and_keeps_metrics_inside(compose: dict[str, Any]) -> None:
    caddy = compose["services"]["caddy"]
    assert "443:443" in caddy["ports"] and "80:80" in caddy["ports"]
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert "{$EVENTOPS_DOMAIN} {" in caddyfile and "reverse_proxy app:8080" in caddyfile
    assert "respond /metrics 404" in caddyfile


def test_every_variable_the_compose_file_uses_is_in_the_env_example(compose: dict[str, Any]) -> None:
    used = set(re.findall(r"\$\{(\w+)", (DOCKER / "compose.yaml").read_text()))
    example = (DOCKER / ".env.example").read_text()
    defined = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    assert used <= defined
    assert "docker/.env" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_image_runs_eventops_in_exec_form_as_a_plain_user() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    [cmd] = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    assert json.loads(cmd.removeprefix("CMD "))[:2] == ["eventops", "serve"]  # exec form: SIGTERM reaches it
    assert "USER eventops" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile and "pip install --no-deps ." in dockerfile


def test_the_image_installs_pinned_versions_of_every_dependency() -> None:
    pins: dict[str, str] = {}
    for line in (DOCKER / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[canonicalize_name(name)] = version
    for dependency in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        wanted = Requirement(dependency)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{name} is not pinned in docker/requirements.txt"
        assert wanted.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {wanted.specifier}"


def test_the_build_context_leaves_out_history_environments_and_secrets() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", ".venv", "docker/.env", "*.db", "tests"} <= set(ignored)
