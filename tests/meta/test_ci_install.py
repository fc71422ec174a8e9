"""The CI recipes' install commands, and those of docs/ci.md, run word for word in a fresh virtual
environment, then the recipe's audit runs with the nsaudit they installed.

Offline by construction: pip gets PIP_NO_INDEX and PIP_NO_DEPS, and the fresh environment sees the
test environment's packages (the dependencies, pip, setuptools) through a .pth file, so only nsaudit
itself comes from the wheel or checkout the recipe names. The wheel is built from a copy of the
checkout (never in the checkout itself, so parallel test workers do not share a build folder).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import yaml

from tests.meta.test_ci_recipes import EXAMPLES, ROOT, commands, on_demo, shell_blocks

pytestmark = pytest.mark.slow

SOURCE_PARTS = ("pyproject.toml", "README.md", "netsuite_audit", "checks", "fixtures")
TIMEOUT = 300


def _copy_checkout(target: Path) -> Path:
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in SOURCE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=ignore)
        else:
            shutil.copy(source, target / part)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    checkout = _copy_checkout(work / "nsaudit")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(work / "dist"), str(checkout)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, env=_pip_env(os.environ["PATH"]))
    assert done.returncode == 0, done.stderr[-2000:]
    return next((work / "dist").glob("nsaudit-*.whl"))


def _pip_env(path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSAUDIT_", "PIP_", "VIRTUAL_ENV"))}
    env.update(PATH=path, PIP_NO_INDEX="1", PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0",
               PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
    return env


def _share_test_packages(env_dir: Path) -> None:
    """The dependencies come from the test environment instead of a package index."""
    purelib = Path(sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})["purelib"])
    purelib.mkdir(parents=True, exist_ok=True)
    # The test interpreter's own folder, and any other it reads packages from (a virtual environment made
    # with --system-site-packages finds most of them in the system's folder).
    folders = [sysconfig.get_paths()["purelib"]]
    folders += [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and p not in folders]
    (purelib / "nsaudit-test-deps.pth").write_text("".join(f"{p}\n" for p in folders), encoding="utf-8")


def _fresh_env(where: Path) -> Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    _share_test_packages(where)
    return where


def _sh(command: str, cwd: Path, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, env=_pip_env(path))


def _path_with(bin_dir: Path) -> str:
    return os.pathsep.join([str(bin_dir), os.path.dirname(sys.executable), os.environ.get("PATH", "")])


def _installed_from(env_dir: Path) -> None:
    """nsaudit runs from the fresh environment, not from the test environment's (editable) install."""
    code = "import netsuite_audit; print(netsuite_audit.__file__)"
    probe = subprocess.run([str(env_dir / "bin" / "python"), "-c", code], cwd=env_dir, capture_output=True, text=True,
                           timeout=60, check=False, env=_pip_env(os.environ["PATH"]))
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert Path(probe.stdout.strip()).is_relative_to(env_dir), probe.stdout


def _audit_with(env_dir: Path, recipe: str, repo: Path) -> None:
    """The recipe's nsaudit command, on the demo account, with the nsaudit the recipe installed."""
    [argv] = commands(recipe)
    done = subprocess.run([str(env_dir / "bin" / "nsaudit"), *on_demo(argv)], cwd=repo, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False, env=_pip_env(_path_with(env_dir / "bin")))
    assert done.returncode == 1, done.stderr[-2000:]  # the demo has findings
    assert (repo / "reports" / "nsaudit.json").is_file()


@pytest.fixture
def repo(tmp_path: Path, wheel: Path) -> Path:
    """An audit repository as the recipes describe it: configuration at the root, the wheel in tools/."""
    (tmp_path / "tools").mkdir()
    shutil.copy(wheel, tmp_path / "tools" / wheel.name)
    shutil.copy(EXAMPLES / "nsaudit.toml", tmp_path / "nsaudit.toml")
    shutil.copy(EXAMPLES / "nsaudit-mutes.yaml", tmp_path / "nsaudit-mutes.yaml")
    shutil.copy(ROOT / "fixtures" / "workspaces" / "demo.toml", tmp_path / "workspace.toml")
    (tmp_path / "reports").mkdir()
    (tmp_path / "logs").mkdir()
    return tmp_path


def test_github_actions_install_step(repo: Path) -> None:
    text = (EXAMPLES / "github-actions.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["audit"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install nsaudit")["run"]
    env_dir = _fresh_env(repo / ".venv")
    done = _sh(install, repo, _path_with(env_dir / "bin"))
    assert done.returncode == 0, done.stderr[-2000:]
    _installed_from(env_dir)
    _audit_with(env_dir, text, repo)


def test_every_github_workflow_installs_the_same_way() -> None:
    for recipe in sorted(EXAMPLES.glob("github-actions*.yml")):
        steps = next(iter(yaml.safe_load(recipe.read_text(encoding="utf-8"))["jobs"].values()))["steps"]
        install = next(s for s in steps if s.get("name") == "Install nsaudit")["run"]
        assert install == "python -m pip install tools/nsaudit-*.whl", recipe.name


def test_gitlab_before_script(repo: Path) -> None:
    text = (EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8")
    job = yaml.safe_load(text)["nsaudit"]
    env_dir = _fresh_env(repo / ".venv")
    for command in job["before_script"]:
        done = _sh(command, repo, _path_with(env_dir / "bin"))
        assert done.returncode == 0, (command, done.stderr[-2000:])
    _installed_from(env_dir)
    _audit_with(env_dir, text, repo)


def test_crontab_install_lines(repo: Path) -> None:
    text = (EXAMPLES / "crontab").read_text(encoding="utf-8")
    install = [line.split("$ ", 1)[1] for line in text.splitlines() if line.startswith("#   $ ")]
    assert len(install) == 2 and install[0].startswith("python3 -m venv ")
    base = os.path.dirname(sys.executable)
    for number, command in enumerate(install):
        done = _sh(command.replace("/srv/nsaudit", str(repo)), repo, os.pathsep.join([base, os.environ["PATH"]]))
        assert done.returncode == 0, (command, done.stderr[-2000:])
        if number == 0:  # the environment the recipe made: its dependencies come from the test environment
            _share_test_packages(repo / "venv")
    _installed_from(repo / "venv")
    cron = next(line for line in text.splitlines() if line and not line.startswith("#"))
    assert "venv/bin/nsaudit run" in cron
    _audit_with(repo / "venv", cron, repo)


def test_docs_install_commands(repo: Path) -> None:
    page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = page.split("## Installing nsaudit", 1)[1].split("\n## ", 1)[0]
    blocks = shell_blocks(section)
    install = [line for line in blocks.splitlines()
               if re.match(r"python -m pip (install|wheel) |nsaudit --version", line)]
    assert install[:2] == ["python -m pip wheel --no-deps -w tools ./nsaudit",
                           "python -m pip install tools/nsaudit-*.whl"]
    for old in (repo / "tools").glob("*.whl"):
        old.unlink()
    _copy_checkout(repo / "nsaudit")
    env_dir = _fresh_env(repo / ".venv")
    for command in install:
        done = _sh(command, repo, _path_with(env_dir / "bin"))
        assert done.returncode == 0, (command, done.stderr[-2000:])
    _installed_from(env_dir)


def test_no_recipe_installs_from_an_index() -> None:
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES.iterdir() if p.is_file()]
    texts.append(shell_blocks((ROOT / "docs" / "ci.md").read_text(encoding="utf-8")))
    for text in texts:
        by_name = re.search(r"pip install\s+['\"]?nsaudit(?:\s*[=<>~!]\S*)?['\"]?(?:\s|$)(?!\s*@)", text)
        assert not by_name, text[:200]


def test_the_index_check_catches_an_install_by_name() -> None:
    for bad in ("pip install nsaudit\n", "pip install nsaudit==0.1.0 ", "python -m pip install 'nsaudit'\n"):
        assert re.search(r"pip install\s+['\"]?nsaudit(?:\s*[=<>~!]\S*)?['\"]?(?:\s|$)(?!\s*@)", bad), bad
