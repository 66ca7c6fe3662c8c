"""The check / info / view subcommands, registered on an argparse parser as `nnd` does."""

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from morphologies.bundled import bundled_path
from morphologies.cli import register

DATA = Path(__file__).resolve().parent / "data"


def _run(argv):
    parser = argparse.ArgumentParser(prog="nnd")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_check_ok_and_broken(capsys):
    assert _run(["check", str(DATA / "valid" / "y_cell.swc")]) == 0
    assert "OK" in capsys.readouterr().out
    assert _run(["check", str(DATA / "broken_swc" / "multiple_defects.swc")]) == 1
    out = capsys.readouterr().out
    assert "4 error(s)" in out and "line 5" in out and "line 9" in out
    assert _run(["check", str(DATA / "nope.swc")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_info(capsys):
    assert _run(["info", str(bundled_path("L23BPC"))]) == 0
    captured = capsys.readouterr()
    assert "total_length" in captured.out and "basal" in captured.out
    assert "NonStandardSomaWarning" not in captured.out and "warning:" in captured.err
    assert _run(["info", str(DATA / "broken_swc" / "cycle.swc")]) == 1
    assert "line 5" in capsys.readouterr().err


def test_view(tmp_path, capsys):
    out = tmp_path / "cell.html"
    assert _run(["view", str(DATA / "valid" / "contour.asc"), "-o", str(out),
                 "--color-by", "distance"]) == 0
    assert out.stat().st_size > 3e6
    with pytest.raises(SystemExit):
        _run(["view", str(DATA / "valid" / "contour.asc"), "-o", str(out), "--color-by", "x"])


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "morphologies", "check", str(DATA / "broken_swc" / "cycle.swc")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "CycleError" in result.stdout
