"""The Python versions pyproject.toml declares (3.11 to 3.13), each one run.

The suite itself runs on one interpreter (3.11 here). For every other declared version, an environment with the
pinned runtime requirements (requirements.txt) and pytest runs a selection that exercises what differs between
versions: the loaders on every sample tracker (xlsx and ods readers), the store (SQLAlchemy, SQLite, the CLI), the
upload reader's separate process (it builds on multiprocessing's forkserver internals), and the home page through
AppTest on the seeded demo store (Streamlit, plotly, shapely, the columnar read through ADBC). Every selected test
must pass: the summary may say nothing but « N passed ».

Interpreters are looked for in GPO_PYTHON_3_12 / GPO_PYTHON_3_13, pyenv's versions, then `python3.X` on the PATH;
a declared version with no interpreter fails the test, in French, naming it.

Cost: a fresh environment is a full install (about a minute of CPU per version on this machine, three minutes of
waiting when the machine is busy), so each environment is kept in a cache folder (GPO_VENV_CACHE, by default
~/.cache/gpo-dashboard/venvs) under a key made of requirements.txt, the pytest pin and the interpreter's exact
version: changing a pin or the interpreter installs a new one from scratch, and every run first checks that each
pinned package is installed at its pinned version (`pip check` included) before it runs the selection. Delete the
folder to force a fresh install.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SELECTION = ["tests/test_sample_data.py", "tests/test_store.py", "tests/test_isolated_read.py",
             "tests/test_pages.py::test_every_page_runs_on_the_demo_store[pages/vue_departementale.py]",
             "-k", "not two_processes"]  # test_store's two-process races are covered by the main run
# pytest -q's last line when every selected test passed (warnings allowed: a newer Python may announce deprecations)
SUMMARY = re.compile(r"=* ?\d+ passed(, \d+ deselected)?(, \d+ warnings?)? in [\d.]+s( \(\d+:\d\d:\d\d\))? ?=*")
CHECK_PINS = """
import importlib.metadata, sys
wrong = []
for line in sys.argv[1:]:
    name, version = line.split("==")
    try:
        found = importlib.metadata.version(name.split("[")[0])
    except importlib.metadata.PackageNotFoundError:
        found = None
    if found != version:
        wrong.append(f"{name}: {found} au lieu de {version}")
print("\\n".join(wrong))
"""


def declared_versions() -> list[str]:
    """The minor versions pyproject.toml's requires-python allows, e.g. ['3.11', '3.12', '3.13']."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    low, high = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", spec.replace(" ", "")).groups()
    return [f"3.{minor}" for minor in range(int(low), int(high))]


def test_pyproject_declares_3_11_to_3_13():
    assert declared_versions() == ["3.11", "3.12", "3.13"]


def pins() -> list[str]:
    """requirements.txt's pins (name==version), and pytest's from requirements-dev.txt."""
    found = []
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if "==" in line and (name == "requirements.txt" or line.startswith("pytest==")):
                found.append(line)
    return found


def interpreter(version: str) -> str | None:
    """A Python `version` interpreter on this machine, or None."""
    variable = os.environ.get(f"GPO_PYTHON_{version.replace('.', '_')}")
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    installed = sorted(pyenv.glob(f"{version}.*/bin/python{version}"),
                       key=lambda p: [int(n) for n in re.findall(r"\d+", p.parts[-3])], reverse=True)
    for candidate in [variable, *map(str, installed), shutil.which(f"python{version}")]:
        if not candidate:
            continue
        try:
            said = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            continue
        if said == version:
            return candidate
    return None


def environment(python: str) -> Path:
    """The cached environment for `python` and the current pins, installed first if needed."""
    full_version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                                  check=True).stdout
    key = hashlib.sha256("\n".join([full_version, python, *pins()]).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("GPO_VENV_CACHE") or Path.home() / ".cache" / "gpo-dashboard" / "venvs")
    venv = cache / f"python{full_version.split()[0]}-{key}"
    if venv.exists() and not pins_wrong(venv):
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    building = cache / f".{venv.name}-{os.getpid()}"  # another run may build the same one at the same time
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(building)], check=True, capture_output=True)
    installed = subprocess.run([str(building / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile",
                                "--disable-pip-version-check", *pins()], capture_output=True, text=True, timeout=1800)
    if installed.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        pytest.fail(f"Installation des dépendances impossible avec Python {python} :\n{installed.stderr[-3000:]}")
    try:
        building.rename(venv)  # the python in a venv finds its packages from its own place: moving it is safe
    except OSError:  # the other run finished first: use its environment
        shutil.rmtree(building, ignore_errors=True)
    return venv


def pins_wrong(venv: Path) -> str:
    """What differs from the pins in `venv` (empty when every pin is installed and pip finds nothing broken)."""
    python = str(venv / "bin" / "python")
    try:
        versions = subprocess.run([python, "-c", CHECK_PINS, *pins()], capture_output=True, text=True, timeout=120)
        check = subprocess.run([python, "-m", "pip", "check", "--disable-pip-version-check"], capture_output=True,
                               text=True, timeout=120)
    except OSError as error:
        return str(error)
    if versions.returncode != 0:
        return versions.stderr or "vérification impossible"
    return versions.stdout.strip() + ("" if check.returncode == 0 else "\n" + check.stdout)


@pytest.mark.slow  # an interpreter start, and an install when the pins or the interpreter change
@pytest.mark.parametrize("version", [v for v in declared_versions() if v != "%d.%d" % sys.version_info[:2]])
def test_the_selection_passes_on_each_other_declared_version(version):
    python = interpreter(version)
    if python is None:
        pytest.fail(f"Python {version} introuvable sur cette machine : le projet le déclare (pyproject.toml). "
                    f"Installez-le (par exemple pyenv install {version}) ou donnez son chemin dans "
                    f"GPO_PYTHON_{version.replace('.', '_')}.")
    venv = environment(python)
    assert pins_wrong(venv) == "", pins_wrong(venv)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("GPO_", "STREAMLIT_", "PYTEST_", "VIRTUAL_ENV")) and name != "PYTHONPATH"}
    run = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-m", "", "-p", "no:cacheprovider",
                          *SELECTION], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0 and SUMMARY.fullmatch(last), \
        f"Python {version} :\n{run.stdout[-4000:]}{run.stderr[-2000:]}"
