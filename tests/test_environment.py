"""environment.yml (conda users) and pyproject.toml (pip) declare the same packages."""

from __future__ import annotations

import tomllib

import yaml

from analysis.paths import REPO_ROOT


def _pyproject_dependencies() -> list[str]:
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["dependencies"]


def _environment_pip() -> tuple[list[str], list[str]]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return conda, pip


def test_environment_yml_lists_the_same_runtime_packages_as_pyproject():
    conda, pip = _environment_pip()
    assert "python=3.11" in conda
    runtime = [p for p in pip if not p.startswith("-e")]
    assert sorted(runtime) == sorted(_pyproject_dependencies())


def test_environment_yml_installs_the_project_with_its_dev_extra():
    _, pip = _environment_pip()
    assert "-e .[dev]" in pip
