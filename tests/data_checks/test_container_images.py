"""deploy/Dockerfile.rasa and Dockerfile.actions: each image has every module its server imports.

The images are built where Docker runs, not in CI, so a component or an action that starts
importing a new package or project file would otherwise break an image unnoticed (it did
once: the sentence encoder, the language detector and content/languages.py were missing
from the Rasa image, content/languages.py from the action server's).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib.metadata import (
    PackageNotFoundError,
    distributions,
    packages_distributions,
    requires,
)
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]

# Prints every module (and its file) loaded once the server's own code is loaded.
LIST_MODULES = (
    "import json, sys; "
    "print(json.dumps({n: getattr(m, '__file__', None) for n, m in list(sys.modules.items())}))"
)


def rasa_server_code() -> str:
    """Imports what Rasa loads by name: pipeline components, channels, the stores."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    named = [step["name"] for step in config["pipeline"]] + list(credentials)
    # endpoints.yml's tracker store, and the production lock store (from LOCK_STORE_TYPE).
    modules = {name.rsplit(".", 1)[0] for name in named if "." in name}
    modules |= {"storage.tracker_store", "storage.lock_store"}
    return "; ".join(f"import {module}" for module in sorted(modules))


# The action server loads every module of actions/ (`start --actions actions`) and the plugin.
ACTION_SERVER_CODE = (
    "from rasa_sdk.executor import ActionExecutor; "
    "ActionExecutor().register_package('actions'); import rasa_sdk_plugins"
)


@dataclass(frozen=True)
class Image:
    """One Dockerfile, the distribution its base image is built around, what it serves."""

    dockerfile: str
    base_distribution: str
    server_code: str

    @property
    def text(self) -> str:
        return (ROOT / "deploy" / self.dockerfile).read_text()

    @property
    def build_context(self) -> list[str]:
        """What the .dockerignore lets through (it excludes everything else)."""
        ignore = (ROOT / "deploy" / f"{self.dockerfile}.dockerignore").read_text()
        return [line[1:] for line in ignore.splitlines() if line.startswith("!")]


# The staff app: its server, its app factory and the account command line.
STAFF_APP_CODE = "import review.serve, review.app, review.cli"

IMAGES = [
    Image("Dockerfile.rasa", "rasa", rasa_server_code()),
    Image("Dockerfile.actions", "rasa-sdk", ACTION_SERVER_CODE),
    Image("Dockerfile.review", "pip", STAFF_APP_CODE),
]


PROJECT_PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")}


@cache
def project_files(image: Image) -> frozenset[str]:
    """The project files the image's server loads, and those its code imports inside functions.

    A fresh Python loads the server's code and lists every module then loaded; to those are
    added the project modules imported later (inside a function), and what they import.
    """
    result = subprocess.run(
        [sys.executable, "-c", f"{image.server_code}; {LIST_MODULES}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    modules: dict[str, str | None] = json.loads(result.stdout.strip().splitlines()[-1])
    loaded = {Path(file) for file in modules.values() if file}
    files = {
        str(file.relative_to(ROOT))
        for file in loaded
        if file.is_relative_to(ROOT) and ".venv" not in file.parts
    }
    new = set(files)
    while new:
        new = {
            found
            for module in imported_modules(new)
            if module.split(".")[0] in PROJECT_PACKAGES
            and (found := module_file(module)) is not None
        } - files
        files |= new
    return frozenset(files)


def module_file(module: str) -> str | None:
    """The project file of a module name, if it is a module (not a name inside one)."""
    path = Path(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if (ROOT / candidate).is_file():
            return str(candidate)
    return None


def imported_modules(files: set[str] | frozenset[str]) -> set[str]:
    """The absolute module names these files import, at the top or inside a function.

    For `from a.b import c` both `a.b` and `a.b.c` (c may be a module).
    """
    names: set[str] = set()
    for file in files:
        for node in ast.walk(ast.parse((ROOT / file).read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def covered(relative: str, prefixes: list[str]) -> bool:
    return any(relative == p or relative.startswith(p.rstrip("/") + "/") for p in prefixes)


def not_copied(image: Image, files: frozenset[str]) -> list[str]:
    """The project files that are not both in the build context and copied by a COPY line."""
    sources = [
        source
        for line in image.text.splitlines()
        if line.startswith("COPY ") and "/tmp/" not in line
        for source in line.split()[1:-1]
    ]
    context = image.build_context
    return sorted(file for file in files if not (covered(file, sources) and covered(file, context)))


def third_party_imports(files: frozenset[str]) -> set[str]:
    """The top-level packages not of this project nor of Python's standard library."""
    top_level = {module.split(".")[0] for module in imported_modules(files)}
    return top_level - PROJECT_PACKAGES - set(sys.stdlib_module_names) - {"__future__"}


def distribution_of(package: str) -> str:
    """The installed distribution that provides the top-level `package`."""
    for distribution in packages_distributions().get(package, []):
        return canonicalize_name(distribution)
    for distribution in distributions():  # wheels without top_level.txt (lingua's)
        if any(file.parts[0] in (package, f"{package}.py") for file in distribution.files or []):
            return canonicalize_name(distribution.metadata["Name"])
    raise LookupError(package)


def installed_by(image: Image) -> set[str]:
    """The distributions the Dockerfile installs: by name, and from requirements-hashed.txt."""
    names = re.findall(r"([A-Za-z0-9_.-]+)==[0-9]", image.text)
    if "-r /tmp/requirements-hashed.txt" in image.text:
        hashed = (ROOT / "requirements-hashed.txt").read_text()
        names += re.findall(r"^([A-Za-z0-9_.-]+)==", hashed, re.MULTILINE)
    return {canonicalize_name(name) for name in names}


def dependency_closure(names: set[str]) -> set[str]:
    """These distributions and what they require, recursively, without extras."""
    seen: set[str] = set()
    todo = [canonicalize_name(name) for name in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = requires(name) or []
        except PackageNotFoundError:
            continue
        for line in requirements:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


@pytest.mark.parametrize("image", IMAGES, ids=lambda image: image.dockerfile)
def test_every_project_file_the_server_imports_is_copied_into_the_image(image: Image) -> None:
    files = project_files(image)
    assert any(file.endswith("yaml_schema.py") for file in files)  # it sees the server's code
    assert not_copied(image, files) == []


@pytest.mark.parametrize("image", IMAGES, ids=lambda image: image.dockerfile)
def test_every_package_the_server_imports_is_installed_in_the_image(image: Image) -> None:
    needed = {distribution_of(package) for package in third_party_imports(project_files(image))}
    in_image = dependency_closure({image.base_distribution, *installed_by(image)})
    assert "pydantic" in needed  # the check sees the imports
    assert sorted(needed - in_image) == []
