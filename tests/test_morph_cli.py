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


def test_nnd_never_shows_a_traceback(tmp_path, capsys):
    """The real `nnd` entry point on broken and odd inputs: exit 1, one `error:` line."""
    from dendrites.cli import main

    (tmp_path / "folder.swc").mkdir()
    (tmp_path / "empty.asc").write_text("")
    (tmp_path / "junk.h5").write_text("not HDF5")
    (tmp_path / "huge.swc").write_text("1 1 0 0 0 5 -1\n2 3 1e40 0 0 1 1\n")
    inputs = [DATA / "broken_swc" / "cycle.swc", tmp_path / "folder.swc", tmp_path / "empty.asc",
              tmp_path / "junk.h5", tmp_path / "huge.swc", tmp_path / "missing.swc"]
    for path in inputs:
        for command in (["check"], ["info"], ["view", "-o", str(tmp_path / "v.html")]):
            assert main([command[0], str(path), *command[1:]]) == 1, (command, path)
            captured = capsys.readouterr()
            text = captured.out + captured.err
            assert "Traceback" not in text and str(path) in text
            assert "error" in text
    assert main(["view", str(DATA / "valid" / "y_cell.swc"), "-o",
                 str(tmp_path / "folder.swc")]) == 1  # cannot write: a directory
    assert "cannot write" in capsys.readouterr().err


def test_installed_nnd_command():
    nnd = Path(sys.executable).parent / "nnd"
    command = [str(nnd)] if nnd.exists() else [
        sys.executable, "-c", "import sys; from dendrites.cli import main; sys.exit(main())"]
    result = subprocess.run([*command, "check", str(DATA / "broken_swc" / "repeated_id.swc")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "line 6" in result.stdout and "id 4" in result.stdout and "Fix:" in result.stdout
