"""deploy/docker-compose.yml: each service signs in to PostgreSQL as its own role.

The roles are review/database_roles.py's; the Compose file names them in its URLs, so a
renamed role or a service given another's URL would otherwise go unnoticed (Compose is
not run here).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from review.database_roles import (
    ADMIN_URL_VARIABLE,
    PASSWORD_VARIABLES,
    RASA,
    RETENTION,
    REVIEW,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICES: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
URL_USER = re.compile(r"postgresql://([^:@/]+)[:@]")


def database_user(service: str, variable: str = "CONVERSATIONS_DB_URL") -> str:
    match = URL_USER.match(SERVICES[service]["environment"][variable])
    assert match, f"{service}: {variable} is not a postgresql:// URL"
    return match.group(1)


@pytest.mark.parametrize(
    ("service", "role"),
    [("rasa-1", RASA), ("rasa-2", RASA), ("review", REVIEW), ("retention", RETENTION)],
)
def test_each_service_signs_in_as_its_own_role(service: str, role: str) -> None:
    assert database_user(service) == role


def test_only_the_setup_and_postgres_know_the_superuser_password() -> None:
    knowing = {
        name
        for name, service in SERVICES.items()
        if "POSTGRES_PASSWORD" in yaml.safe_dump(service.get("environment", {}))
    }
    assert knowing == {"postgres", "database-setup"}
    assert database_user("database-setup", ADMIN_URL_VARIABLE) == "${POSTGRES_ADMIN_USER"


def test_the_setup_gets_every_role_password_and_runs_first() -> None:
    setup = SERVICES["database-setup"]
    assert set(PASSWORD_VARIABLES.values()) <= set(setup["environment"])
    assert "review.database_roles" in setup["command"]
    for service in ("rasa-1", "rasa-2", "review", "retention"):
        condition = SERVICES[service]["depends_on"]["database-setup"]["condition"]
        assert condition == "service_completed_successfully", service


def test_the_env_example_lists_every_role_password() -> None:
    example = (DEPLOY / ".env.example").read_text()
    for variable in PASSWORD_VARIABLES.values():
        assert re.search(rf"^{variable}=$", example, re.MULTILINE), variable
