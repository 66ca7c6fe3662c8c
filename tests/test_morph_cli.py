"""The check / info / view subcommands, registered on an argparse parser as `nnd` does."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from morphologies.bundled import bundled_path
from morphologies.cli import register, run

DATA = Path(__file__).resolve().parent / "data"


def _run(argv):
    """The subcommands on their own parser, through the same error reporting as `nnd`."""
    parser = argparse.ArgumentParser(prog="nnd")
    register(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv), prog="nnd")


def _one_error_line(text, command):
    """The stderr of a bad input: exactly one line `nnd <command>: error: ...`, no traceback."""
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"nnd {command}: error: "), text
    assert "Traceback" not in text
    return lines[0]


def test_check_ok_and_broken(capsys):
    assert _run(["check", str(DATA / "valid" / "y_cell.swc")]) == 0
    assert "OK" in capsys.readouterr().out
    assert _run(["check", str(DATA / "broken_swc" / "multiple_defects.swc")]) == 1
    out = capsys.readouterr().out
    assert "4 error(s)" in out and "line 5" in out and "line 9" in out
    # a file that does not exist is bad input (2), not a file with errors (1)
    assert _run(["check", str(DATA / "nope.swc")]) == 2
    line = _one_error_line(capsys.readouterr().err, "check")
    assert "nope.swc: no such file" in line and "L5pyr" in line


def test_info(tmp_path, capsys):
    assert _run(["info", str(bundled_path("L23BPC"))]) == 0
    captured = capsys.readouterr()
    assert "total_length" in captured.out and "basal" in captured.out
    assert captured.err == ""  # a bundled cell loads silently
    odd = tmp_path / "odd.swc"  # a fresh file: load() warns once per file and process
    odd.write_bytes((DATA / "valid" / "nonstandard_soma.swc").read_bytes())
    assert _run(["info", str(odd)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("nnd info: warning: ") and "NeuroMorpho" in captured.err
    assert "NonStandardSomaWarning" not in captured.out
    assert _run(["info", str(DATA / "broken_swc" / "cycle.swc")]) == 2
    assert "line 5" in _one_error_line(capsys.readouterr().err, "info")


@pytest.mark.parametrize("step", ["0", "-5", "nan", "inf"])
def test_info_refuses_a_sholl_step_that_is_not_positive(step, capsys):
    """`--sholl-step 0` was a ZeroDivisionError traceback, `-5` was silently accepted."""
    from dendrites.cli import main

    assert main(["info", "L23BPC", "--sholl-step", step]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err, "info")
    assert "--sholl-step" in line and "> 0" in line and captured.out == ""


def test_info_sholl_step_changes_the_printed_profile(capsys):
    """The option changed nothing visible: `info` now prints the Sholl peak and profile."""
    from morphologies import load_bundled, morphometrics

    cell = load_bundled("L23BPC")
    for step in (25, 10):
        assert _run(["info", "L23BPC", "--sholl-step", str(step)]) == 0
        out = capsys.readouterr().out
        metrics = morphometrics(cell, sholl_step=step)["all"]
        np.testing.assert_allclose(np.diff(metrics["sholl_radii"]), step)
        (profile,) = [line for line in out.splitlines() if line.startswith("Sholl crossings")]
        assert profile.startswith(f"Sholl crossings (all neurites) every {step} um from r = ")
        assert profile.split(": ")[1].split() == [str(c) for c in metrics["sholl_counts"]]
        peak = int(np.argmax(metrics["sholl_counts"]))
        (row,) = [line for line in out.splitlines() if line.startswith("sholl_peak_radius")]
        assert float(row.split()[2]) == pytest.approx(metrics["sholl_radii"][peak], abs=0.05)


def test_bundled_names_are_accepted_wherever_a_file_is(tmp_path, capsys):
    from dendrites.cli import main
    from morphologies import check, load

    assert main(["check", "L5pyr"]) == 0
    out = capsys.readouterr().out
    assert str(bundled_path("L5pyr")) in out and "OK" in out
    assert main(["info", "L23BPC"]) == 0
    assert "total_length" in capsys.readouterr().out
    assert main(["view", "L23BPC", "-o", str(tmp_path / "v.html")]) == 0
    assert (tmp_path / "v.html").stat().st_size > 3e6
    capsys.readouterr()
    assert load("L23BPC").path == bundled_path("L23BPC")
    assert load(bundled_path("L23BPC").name).path == bundled_path("L23BPC")
    assert check("L5pyr").ok
    # a file of that name wins over the bundled cell; a misspelt name says what exists
    assert main(["check", "L5pyrr"]) == 2
    line = _one_error_line(capsys.readouterr().err, "check")
    assert "no such file" in line and "L23BC, L23BPC, L23pyr, L5pyr" in line
    assert "did you mean the bundled cell 'L5pyr'?" in line


@pytest.mark.parametrize("given, closest", [
    ("L5pyrr", "L5pyr"), ("l5pyr", "L5pyr"), ("L23pr", "L23pyr"), ("L23BCC", "L23BC"),
    ("L5pyrr.swc", "L5pyr"),
])
def test_a_misspelt_bundled_name_suggests_the_closest(tmp_path, monkeypatch, given, closest):
    from morphologies import load
    from morphologies.bundled import similar_bundled
    from morphologies.errors import MorphologyNotFoundError

    monkeypatch.chdir(tmp_path)
    assert similar_bundled(given)[0] == closest
    with pytest.raises(MorphologyNotFoundError) as info:
        load(given)
    assert type(info.value) is MorphologyNotFoundError
    assert f"did you mean the bundled cell {closest!r}?" in str(info.value)
    assert str(info.value).count("did you mean") == 1


@pytest.mark.parametrize("given", ["xyz", "neuron.swc", "sub/L5pyrr"])
def test_no_suggestion_for_names_unlike_a_bundled_cell(tmp_path, monkeypatch, given):
    from morphologies import load
    from morphologies.bundled import similar_bundled
    from morphologies.errors import MorphologyNotFoundError

    monkeypatch.chdir(tmp_path)
    assert similar_bundled(given) == []
    with pytest.raises(MorphologyNotFoundError) as info:
        load(given)
    assert "did you mean" not in str(info.value) and "no such file" in str(info.value)


def test_bundled_name_beside_a_file_of_that_name(tmp_path, monkeypatch):
    """An existing path is always the file itself, never the bundled cell."""
    from morphologies import load
    from morphologies.errors import UnsupportedFormatError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "L5pyr").write_text("1 1 0 0 0 5 -1\n")
    with pytest.raises(UnsupportedFormatError):
        load("L5pyr")


def test_unknown_bundled_name_is_a_key_error():
    from morphologies import load_bundled
    from morphologies.errors import BundledCellNotFoundError, MorphologyError

    with pytest.raises(BundledCellNotFoundError) as info:
        load_bundled("L6pyr")
    assert type(info.value) is BundledCellNotFoundError
    assert isinstance(info.value, KeyError) and isinstance(info.value, MorphologyError)
    assert "no bundled morphology 'L6pyr'" in str(info.value)
    assert "did you mean 'L5pyr'?" in str(info.value)
    assert not str(info.value).startswith('"')  # readable, not a quoted KeyError


def test_check_groups_thousands_of_identical_problems(capsys):
    """A navis-style SWC (type 0 on 3,248 lines): one line with the count and the first lines."""
    from dendrites.cli import main

    path = DATA / "navis" / "navis_style.swc"
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    rows = out.strip().splitlines()
    assert rows[0].endswith("3248 error(s), 0 warning(s) - BROKEN")
    grouped = [r for r in rows if "unknown structure type code 0" in r]
    assert len(grouped) == 1 and len(rows) <= 4, out
    assert "3248 times" in grouped[0] and "lines 9, 10, 11, 12, 13 and 3243 more" in grouped[0]
    # the report object still holds every problem, with its own line
    from morphologies import check

    report = check(path)
    assert len(report.errors) == 3248
    assert len({p.line for p in report.errors}) == 3248
    (first, members), = report.grouped()
    assert first.line == 9 and len(members) == 3248


def test_check_does_not_group_different_problems(capsys):
    assert _run(["check", str(DATA / "broken_swc" / "multiple_defects.swc")]) == 1
    out = capsys.readouterr().out
    assert " times" not in out and len(out.strip().splitlines()) >= 5


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
    """The real `nnd` entry point on broken and odd inputs: exit 2, one `error:` line.

    (`check` of a file it can read but that has errors is exit 1, tested above.)
    """
    from dendrites.cli import main

    (tmp_path / "folder.swc").mkdir()
    (tmp_path / "empty.asc").write_text("")
    (tmp_path / "junk.h5").write_text("not HDF5")
    (tmp_path / "huge.swc").write_text("1 1 0 0 0 5 -1\n2 3 1e40 0 0 1 1\n")
    (tmp_path / "cell.txt").write_text("1 1 0 0 0 5 -1\n")
    unreadable = tmp_path / "unreadable.asc"
    unreadable.write_text("(junk)")
    unreadable.chmod(0)
    inputs = [tmp_path / "folder.swc", tmp_path / "missing.swc", tmp_path / "cell.txt"]
    loading = [DATA / "broken_swc" / "cycle.swc", tmp_path / "empty.asc", tmp_path / "junk.h5",
               tmp_path / "huge.swc"]
    if os.geteuid() != 0:  # root reads any file
        loading.append(unreadable)
    for path in inputs + loading:
        commands = [["info"], ["view", "-o", str(tmp_path / "v.html")]]
        if path in inputs:
            commands.append(["check"])
        for command in commands:
            assert main([command[0], str(path), *command[1:]]) == 2, (command, path)
            captured = capsys.readouterr()
            line = _one_error_line(captured.err, command[0])
            assert str(path) in line and "Traceback" not in captured.out
    for path in loading:  # files that exist: check reports them (exit 1)
        assert main(["check", str(path)]) == 1, path
        captured = capsys.readouterr()
        assert "BROKEN" in captured.out and "Traceback" not in captured.out + captured.err
    assert main(["view", str(DATA / "valid" / "y_cell.swc"), "-o",
                 str(tmp_path / "folder.swc")]) == 2  # cannot write: a directory
    assert "cannot write" in _one_error_line(capsys.readouterr().err, "view")


def test_nnd_reports_errors_of_every_package_and_os_errors(capsys):
    """`nnd`'s error reporting (morphologies.cli.run, which dendrites.cli.main calls) turns
    any toolkit error (recognised by its package, whichever of the four) and any OSError
    into one line and exit 2; a genuine bug still propagates."""
    import stimuli
    from morphologies.errors import MorphologyError

    import network.errors

    errors = [stimuli.ParameterError("rate=-1 Hz must be >= 0"),
              MorphologyError("a morphology problem"),
              network.errors.ModelKeyError("no population 'Exx'"),
              PermissionError(13, "Permission denied", "/root/x.h5")]
    expected = ["rate=-1 Hz must be >= 0", "a morphology problem", "no population 'Exx'",
                "Permission denied: /root/x.h5"]
    for error, text in zip(errors, expected):
        def handler(args, error=error):
            raise error
        assert run(argparse.Namespace(func=handler, command="rs-fs"), prog="nnd") == 2
        assert _one_error_line(capsys.readouterr().err, "rs-fs") == f"nnd rs-fs: error: {text}"
    with pytest.raises(ZeroDivisionError):
        run(argparse.Namespace(func=lambda args: 1 / 0, command="check"))


def test_bad_option_is_an_argparse_error(capsys):
    from dendrites.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["info", "L5pyr", "--sholl-step", "ten"])
    assert exit_.value.code == 2
    assert "invalid float value: 'ten'" in capsys.readouterr().err


def test_installed_nnd_command():
    nnd = Path(sys.executable).parent / "nnd"
    command = [str(nnd)] if nnd.exists() else [
        sys.executable, "-c", "import sys; from dendrites.cli import main; sys.exit(main())"]
    result = subprocess.run([*command, "check", str(DATA / "broken_swc" / "repeated_id.swc")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "line 6" in result.stdout and "id 4" in result.stdout and "Fix:" in result.stdout
