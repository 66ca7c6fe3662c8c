"""network.hdf5: bit-exact round trips, atomic writes, error paths."""

import hashlib
import os
import struct

import h5py
import numpy as np
import pytest

from network import hdf5
from network.errors import NetworkError, RecordingError


def assert_identical(a, b, where="data"):
    """Same python types, same keys in the same order, same dtypes/shapes/bits."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for key in a:
            assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{k}]")
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape} != {b.dtype}{b.shape}"
        assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes(), where
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b), where
    elif isinstance(a, complex):
        assert struct.pack("<dd", a.real, a.imag) == struct.pack("<dd", b.real, b.imag), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _random_arrays(rng):
    arrays = {}
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
        info = np.iinfo(dtype)
        arrays[np.dtype(dtype).name] = rng.integers(info.min, info.max, size=(7, 3), dtype=dtype, endpoint=True)
    for dtype in (np.float16, np.float32, np.float64):
        x = rng.standard_normal(64).astype(dtype) * dtype(100)
        x[:5] = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).smallest_subnormal]
        arrays[np.dtype(dtype).name] = x
    for dtype in (np.complex64, np.complex128):
        arrays[np.dtype(dtype).name] = (rng.standard_normal((4, 5)) + 1j * rng.standard_normal((4, 5))).astype(dtype)
    arrays["bool"] = rng.random((3, 4, 5)) < 0.5
    arrays["bytes_S"] = np.array([b"spike", b"", b"\x01\xff"])
    arrays["unicode_U"] = np.array([["Exc", "Inh"], ["\u00e9\u03bc", ""]])
    arrays["datetime"] = np.array(["2024-01-01T10:00", "NaT"], dtype="datetime64[m]")
    arrays["non_contiguous"] = np.arange(40.0).reshape(5, 8)[::2, 1::3]
    arrays["zero_d_float"] = np.array(3.25)
    arrays["zero_d_int"] = np.array(-7, dtype=np.int64)
    arrays["zero_d_str"] = np.array("AdExp")
    arrays["empty_1d"] = np.array([], dtype=np.float64)
    arrays["empty_int"] = np.zeros((0, 3), dtype=np.int64)
    arrays["empty_other_axis"] = np.zeros((4, 0), dtype=np.float32)
    arrays["big_indices"] = np.arange(39_990, 40_010, dtype=np.int64) + np.int64(2**40)
    return arrays


def _python_values():
    return {
        "int": 40_000, "negative_int": -(2**63), "float": 0.1, "nan": float("nan"), "neg_zero": -0.0,
        "complex": 1 - 2j, "true": True, "false": False, "none": None, "str": "RS-FS \u2192 \u00e9t\u00e9",
        "empty_str": "", "bytes": b"\x00\x01binary", "np_float32": np.float32(1.5), "np_int16": np.int16(-3),
        "np_bool": np.bool_(True), "np_str": np.str_("Exc"), "np_float64": np.float64(2.5),
        "list_int": [1, 2, 3], "list_float": [0.5, -1.0], "list_str": ["Exc", "Inh", ""], "list_bool": [True, False],
        "empty_list": [], "empty_tuple": (), "tuple_int": (4, 5), "nested_list": [[1, 2], ["a", None], {"x": 1.0}],
        "mixed_list": [1, 2.0, "three", True, None, np.float32(4)], "tuple_mixed": (1, "a"),
    }


@pytest.fixture
def nested():
    rng = np.random.default_rng(0)
    return {
        "arrays": _random_arrays(rng),
        "python": _python_values(),
        "level1": {"level2": {"level3": {"x": np.arange(3), "s": "deep"}}, "empty": {}},
        "units": {"t_array": "ms", "level1": "1", "not_stored": "mV"},
        "t_array": np.arange(10) * 0.1,
    }


def test_round_trip_is_bit_exact(tmp_path, nested):
    path = tmp_path / "data.h5"
    returned = hdf5.save_dict_to_hdf5(nested, path)
    assert returned == str(path)
    assert_identical(nested, hdf5.load_dict_from_hdf5(path))
    # the file keeps full precision and the units as attributes
    with h5py.File(path, "r") as f:
        assert f["arrays/int64"].dtype == np.int64 and f["arrays/float64"].dtype == np.float64
        assert f["arrays/big_indices"][...].max() == 2**40 + 40_009
        assert f["t_array"].attrs["unit"] == "ms" and f["level1"].attrs["unit"] == "1"
        assert f.attrs["format"] == hdf5.FORMAT_NAME and f.attrs["format_version"] == hdf5.FORMAT_VERSION
    info = hdf5.hdf5_file_info(path)
    assert info["format"] == hdf5.FORMAT_NAME and info["format_version"] == 1 and info["created"]


def test_round_trip_of_a_network_data_dict(tmp_path):
    rng = np.random.default_rng(1)
    n_t, N = 5000, 40_000
    t = np.sort(rng.uniform(0, 500.0, 200_000))
    data = {
        "Model": {"N_Exc": N, "p_Exc_Inh": 0.05, "Exc_Vthre": -50.0, "name": "RS-FS", "SEED": 3},
        "POPULATIONS": ["Exc", "Inh"], "AFFERENT_POPULATIONS": ["AffExc"], "dt": 0.1, "tstop": 500.0,
        "t_array": np.arange(n_t) * 0.1, "N_Exc": N, "tRASTER_Exc": t,
        "iRASTER_Exc": rng.integers(0, N, t.size, dtype=np.int64), "POP_ACT_Exc": rng.random(n_t) * 20,
        "VMS_Exc": -60 + rng.standard_normal((4, n_t)), "VMS_Exc_indices": np.array([0, 1, 39_998, 39_999]),
        "CONN_Exc_Inh": {"i": rng.integers(0, N, 10_000), "j": rng.integers(0, 10_000, 10_000)},
        "SEEDS": {"network": 1, "stim": 2}, "versions": {"numpy": np.__version__, "python": "3.11"},
        "units": {"dt": "ms", "tstop": "ms", "t_array": "ms", "tRASTER_Exc": "ms", "iRASTER_Exc": "1",
                  "POP_ACT_Exc": "Hz", "VMS_Exc": "mV", "VMS_Exc_indices": "1"},
    }
    path = tmp_path / "RS-FS_data.h5"
    hdf5.save_dict_to_hdf5(data, path)
    loaded = hdf5.load_dict_from_hdf5(path)
    assert_identical(data, loaded)
    assert loaded["iRASTER_Exc"].max() > 32_767  # the original project's int16 overflowed here
    hdf5.save_dict_to_hdf5(data, path, compression="gzip")  # overwrite, lossless compression
    assert_identical(data, hdf5.load_dict_from_hdf5(path))


def _snapshot(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_write_leaves_old_file_intact_and_no_temp_file(tmp_path, nested):
    path = tmp_path / "data.h5"
    hdf5.save_dict_to_hdf5(nested, path)
    before = _snapshot(path)
    bad = {"arrays": nested["arrays"], "deep": {"list": [1, {"bad": object()}]}}
    with pytest.raises(RecordingError) as err:
        hdf5.save_dict_to_hdf5(bad, path)
    message = str(err.value)
    assert "data['deep']['list'][1]['bad']" in message and "object" in message and str(path) in message
    assert _snapshot(path) == before
    assert os.listdir(tmp_path) == ["data.h5"]
    assert_identical(nested, hdf5.load_dict_from_hdf5(path))


def test_interrupted_write_leaves_old_file_intact(tmp_path, nested, monkeypatch):
    """A crash (here KeyboardInterrupt) in the middle of the writer."""
    path = tmp_path / "data.h5"
    hdf5.save_dict_to_hdf5(nested, path)
    before = _snapshot(path)
    calls = []
    original = hdf5._write_array

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(hdf5, "_write_array", crashing)
    with pytest.raises(KeyboardInterrupt):
        hdf5.save_dict_to_hdf5({"x": nested["arrays"]}, path)
    assert _snapshot(path) == before
    assert os.listdir(tmp_path) == ["data.h5"]


@pytest.mark.parametrize(
    "data, expected",
    [
        ({1: 2.0}, "dict key 1 of type int"),
        ({"Model": {("a", "b"): 1}}, "dict key ('a', 'b') of type tuple in data['Model']"),
        ({"Model": {"Exc/Inh": 1}}, "'Exc/Inh' in data['Model'] contains '/'"),
        ({"x": ""}, None),
        ({"": 1}, "not a valid HDF5 member name"),
        ({"s": {1, 2}}, "data['s'] has unsupported type builtins.set"),
        ({"o": np.array([1, "a"], dtype=object)}, "data['o']"),
        ({"big": 2**70}, "integer 1180591620717411303424 at data['big'] does not fit in int64"),
        ({"l": [1, 2**70]}, "data['l'][1]"),
    ],
)
def test_unwritable_values_raise_recording_error(tmp_path, data, expected):
    path = tmp_path / "out.h5"
    if expected is None:  # control: a valid dict
        hdf5.save_dict_to_hdf5(data, path)
        return
    with pytest.raises(RecordingError) as err:
        hdf5.save_dict_to_hdf5(data, path)
    assert expected in str(err.value) and str(path) in str(err.value)
    assert isinstance(err.value, NetworkError)
    assert os.listdir(tmp_path) == []


def test_write_errors_name_the_path(tmp_path):
    with pytest.raises(RecordingError, match="data must be a dict"):
        hdf5.save_dict_to_hdf5([1, 2], tmp_path / "x.h5")
    missing_dir = tmp_path / "nowhere" / "x.h5"
    with pytest.raises(RecordingError, match=f"{missing_dir}.*does not exist"):
        hdf5.save_dict_to_hdf5({}, missing_dir)
    path = tmp_path / "x.h5"
    hdf5.save_dict_to_hdf5({"a": 1}, path)
    with pytest.raises(RecordingError, match=f"{path}: file exists and overwrite=False"):
        hdf5.save_dict_to_hdf5({"a": 2}, path, overwrite=False)
    assert hdf5.load_dict_from_hdf5(path) == {"a": 1}


def test_read_errors_name_the_path_and_the_problem(tmp_path):
    missing = tmp_path / "missing.h5"
    with pytest.raises(RecordingError, match=f"{missing}: no such file"):
        hdf5.load_dict_from_hdf5(missing)
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(RecordingError, match=f"{text}: not an HDF5 file"):
        hdf5.load_dict_from_hdf5(text)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(RecordingError, match=f"{foreign}: HDF5 file without the 'format' attribute"):
        hdf5.load_dict_from_hdf5(foreign)
    with h5py.File(foreign, "a") as f:
        f.attrs["format"] = "something-else"
    with pytest.raises(RecordingError, match="format attribute is 'something-else'"):
        hdf5.load_dict_from_hdf5(foreign)
    newer = tmp_path / "newer.h5"
    hdf5.save_dict_to_hdf5({"a": 1}, newer)
    with h5py.File(newer, "a") as f:
        f.attrs["format_version"] = hdf5.FORMAT_VERSION + 1
    with pytest.raises(RecordingError, match=f"{newer}: format_version 2 is not supported"):
        hdf5.load_dict_from_hdf5(newer)
    truncated = tmp_path / "truncated.h5"
    hdf5.save_dict_to_hdf5({"a": np.arange(10_000)}, truncated)
    truncated.write_bytes(truncated.read_bytes()[:3000])
    with pytest.raises(RecordingError, match=str(truncated)):
        hdf5.load_dict_from_hdf5(truncated)
    with pytest.raises(RecordingError, match="not a regular file"):
        hdf5.load_dict_from_hdf5(tmp_path)


def test_every_stored_number_of_a_network_has_its_unit_and_strings_read_as_str(tmp_path, numpy_target, cell_model):
    """Walk the file with h5py: each numeric dataset (Model values, seeds, timings, arrays)
    carries a 'unit' attribute, Model units are the grammar's; strings come back as str."""
    import h5py

    import network as ntwk

    Model = cell_model(N=3, dt=0.1, tstop=5.0, Iinj=300.0, Q_Cell_Cell=1.0, Tsyn_Cell=5.0, Erev_Cell=0.0,
                       p_Cell_Cell=0.5)
    Model["_note"] = "user annotation"
    NTWK = ntwk.build.populations(Model, ["Cell"], with_raster=True, with_Vm=1)
    ntwk.build.recurrent_connections(NTWK, seed=1)
    ntwk.collect_and_run(NTWK)
    path = tmp_path / "d.h5"
    ntwk.recording.write_as_hdf5(NTWK, path, with_connectivity=True)
    missing = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "biuf" and obj.size and "unit" not in obj.attrs:
            missing.append(name)

    with h5py.File(path) as f:
        f.visititems(visit)
        units = {k: f[f"Model/{k}"].attrs["unit"] for k in ("Cell_Gl", "Cell_Cm", "Cell_Iinj", "Q_Cell_Cell",
                                                              "p_Cell_Cell", "dt", "SEED", "N_Cell", "Tsyn_Cell")}
    assert missing == []
    assert units == {"Cell_Gl": "nS", "Cell_Cm": "pF", "Cell_Iinj": "pA", "Q_Cell_Cell": "nS", "p_Cell_Cell": "1",
                     "dt": "ms", "SEED": "1", "N_Cell": "1", "Tsyn_Cell": "ms"}
    data = ntwk.recording.load_dict_from_hdf5(path)
    assert all(type(v) is str for v in data["versions"].values())
    assert type(data["Model"]["_note"]) is str and data["units"]["Model/Cell_Gl"] == "nS"
