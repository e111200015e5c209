"""Every package of the project is installed with it (pyproject.toml), so scripts import it.

`make setup` installs the project editable with setuptools' package list; a new top-level
package missing from it trains fine from the repository root but cannot be found when a
script loads the model ("Can't find class for graph component type", #15 part 19).
"""

from __future__ import annotations

import tomli

from devtools.project_files import PROJECT_ROOT


def test_every_top_level_package_is_in_the_installed_package_list() -> None:
    pyproject = tomli.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    included = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = sorted(
        path.parent.name
        for path in PROJECT_ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "scripts"}
    )
    assert "policies" in packages
    assert [name for name in packages if f"{name}*" not in included] == []
