"""The `nnd` command and the one-way dependencies between the building blocks."""

import ast
from pathlib import Path

import pytest

from dendrites.cli import main

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"stimuli": set(), "morphologies": set(), "network": {"stimuli"},
           "dendrites": {"stimuli", "morphologies", "network"}}


def _imported_siblings(package):
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {n.split(".")[0] for n in names} & set(ALLOWED)
    return found - {package}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_point_one_way(package):
    assert _imported_siblings(package) <= ALLOWED[package]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("nnd 0.")


def test_rs_fs_command_writes_data_and_figure(tmp_path):
    assert main(["rs-fs", "-o", str(tmp_path), "--tstop", "300", "-q"]) == 0
    assert (tmp_path / "RS-FS_data.h5").stat().st_size > 10_000
    assert (tmp_path / "RS-FS.png").stat().st_size > 10_000


def test_rs_fs_command_reports_bad_input(tmp_path, capsys):
    assert main(["rs-fs", "-o", str(tmp_path), "--tstop", "-5", "-q"]) == 2
    assert "tstop" in capsys.readouterr().err
    assert not (tmp_path / "RS-FS_data.h5").exists()


def test_rs_fs_unwritable_output_is_one_error_line(capsys):
    """`nnd rs-fs -o /proc/foo` was a raw FileNotFoundError traceback."""
    assert main(["rs-fs", "-o", "/proc/nnd-test/out", "--tstop", "10", "-q", "--no-figure"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nnd rs-fs: error: ") and "/proc/nnd-test" in err[0]


def test_nnd_without_a_command_prints_the_commands(capsys):
    assert main([]) == 1
    out = capsys.readouterr().out
    assert all(command in out for command in ("rs-fs", "check", "info", "view"))


def test_readme_morphology_example_runs(tmp_path, monkeypatch):
    import re

    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    (code,) = [b for b in blocks if "import morphologies as mo" in b]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert len(namespace["disc"].compartments) == 1351
    assert len(namespace["apical"]) > 0
    html = (tmp_path / "L5pyr.html").read_text()
    assert "plotly" in html and "<script src=\"http" not in html


def _skipping_calls(path):
    """``path:line`` of every pytest.importorskip / pytest.skip / pytest.mark.skip(if) / xfail in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in {"importorskip", "skip", "skipif", "xfail"}:
            owner = ast.unparse(node.value)
            if owner in {"pytest", "pytest.mark"}:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {owner}.{node.attr}")
    return found


def test_no_test_is_skipped():
    """Skips are failures here: NEURON, Arbor and brian2 are installed in CI, import them plainly."""
    offenders = [hit for path in sorted((ROOT / "tests").glob("*.py")) for hit in _skipping_calls(path)]
    assert not offenders, offenders
