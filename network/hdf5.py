"""Lossless, atomic storage of nested python dicts in HDF5 files.

This module is generic: it stores the data dict of a network simulation (see
``docs/guide/recording.rst``) as well as any other nested dict of numpy arrays
and python values (the ``dendrites`` package uses it for its results).

Layout of a file written by :func:`save_dict_to_hdf5`
-----------------------------------------------------
* the root group carries the file attributes ``format`` (:data:`FORMAT_NAME`),
  ``format_version`` (:data:`FORMAT_VERSION`) and ``created`` (ISO 8601, UTC);
* a dict is a group, its keys are the member names (insertion order is kept);
* a numpy array is a dataset of the *same* dtype and shape (never downcast);
* python scalars, strings, bytes, ``None``, numpy scalars, lists and tuples are
  datasets (or, for lists/tuples of mixed or nested items, groups whose members
  are named ``'0'``, ``'1'``, ...) with an attribute ``python_type`` telling how to
  rebuild the exact python object;
* a ``'units'`` entry that is a dict of str → str is not stored as a group: each
  unit is written as the attribute ``unit`` of the member it names, and the group
  keeps the attributes ``units_keys`` (the order of the dict) and
  ``units_position`` (where ``'units'`` stood among the keys).  A key with ``/``
  (``'Model/Exc_Gl'``) names a member of a sub-group, which gets the attribute.
  Units naming no member are kept in the attributes ``units_extra_keys``/``units_extra_values``.

Round trips are bit-exact: ``load_dict_from_hdf5(f)`` after
``save_dict_to_hdf5(d, f)`` returns a dict equal to ``d`` with identical dtypes,
shapes and python types (tuples stay tuples, ints stay ints, ...).
"""

import datetime
import os
import tempfile

import h5py
import numpy as np

from .errors import NetworkError, RecordingError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "save_dict_to_hdf5",
    "load_dict_from_hdf5",
    "hdf5_file_info",
]

FORMAT_NAME = "neural-network-dynamics/data"
"""Value of the root attribute ``format`` of the files written here."""

FORMAT_VERSION = 1
"""Value of the root attribute ``format_version`` (readers accept versions <= it)."""

_TYPE_ATTR = "python_type"
_STR_DTYPE = h5py.string_dtype(encoding="utf-8")
_INT64 = np.iinfo(np.int64)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def _key_path(path):
    """Readable location of a value inside the dict, e.g. ``data['Model']['N'][2]``."""
    return "data" + "".join(f"[{p!r}]" for p in path)


def _check_key(key, path):
    """Raise RecordingError if ``key`` cannot be an HDF5 member name."""
    where = _key_path(path)
    if not isinstance(key, str):
        raise RecordingError(
            f"dict key {key!r} of type {type(key).__name__} in {where} is not a str; "
            "HDF5 member names must be strings (convert the key with str())"
        )
    if "/" in key:
        raise RecordingError(
            f"dict key {key!r} in {where} contains '/', the HDF5 path separator; rename the key"
        )
    if key in ("", "."):
        raise RecordingError(f"dict key {key!r} in {where} is not a valid HDF5 member name")


def _is_units_dict(key, value):
    """True for a ``'units'`` entry mapping str keys to str units."""
    return (
        key == "units"
        and isinstance(value, dict)
        and all(isinstance(k, str) for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def _python_int(value, path):
    if not _INT64.min <= value <= _INT64.max:
        raise RecordingError(
            f"integer {value} at {_key_path(path)} does not fit in int64; store it as a str or float"
        )
    return np.int64(value)


def _homogeneous_list_array(seq):
    """A 1-D array holding ``seq`` if all items have one plain python type, else None."""
    if len(seq) == 0:
        return np.empty(0, dtype=np.float64)
    types = {type(item) for item in seq}
    if len(types) != 1:
        return None
    kind = types.pop()
    if kind is str:
        return np.array(seq, dtype=object)
    dtype = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}.get(kind)
    if dtype is None:
        return None
    try:
        return np.array(seq, dtype=dtype)
    except OverflowError:  # ints beyond int64: store item by item (and fail there)
        return None


# ----------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------
def _write_array(group, name, arr, path, python_type, compression):
    """Write a numpy array (any shape, including 0-d and empty) at full precision."""
    attrs = {_TYPE_ATTR: python_type}
    kind = arr.dtype.kind
    if kind == "O":
        raise RecordingError(
            f"numpy array of dtype object at {_key_path(path)} cannot be stored; "
            "convert it to a numeric or string dtype (or to a list)"
        )
    if kind == "U":  # HDF5 has no UCS-4 strings: store UTF-8 bytes, restore the dtype
        stored = np.char.encode(arr, "utf-8")
        attrs["numpy_dtype"] = arr.dtype.str
    elif kind in "Mm":  # datetime64/timedelta64: their int64 view, restore the dtype
        stored = arr.view(np.int64)
        attrs["numpy_dtype"] = arr.dtype.str
    else:
        stored = arr
    kwargs = {}
    if compression is not None and stored.ndim > 0 and stored.size > 0:
        kwargs = dict(compression=compression, chunks=True)
    ds = group.create_dataset(name, data=stored, **kwargs)
    for key, val in attrs.items():
        ds.attrs[key] = val
    return ds


def _write_sequence(group, name, seq, path, compression):
    python_type = "tuple" if isinstance(seq, tuple) else "list"
    arr = _homogeneous_list_array(seq)
    if arr is not None:
        if arr.dtype == object:
            ds = group.create_dataset(name, data=arr, dtype=_STR_DTYPE)
        else:
            ds = group.create_dataset(name, data=arr)
        ds.attrs[_TYPE_ATTR] = python_type
        return
    sub = group.create_group(name, track_order=True)
    sub.attrs[_TYPE_ATTR] = python_type
    for index, item in enumerate(seq):
        _write_value(sub, str(index), item, path + (index,), compression)


def _write_scalar(group, name, value, path):
    """Python scalars, str, bytes and None: return True if ``value`` was one."""
    if value is None:
        ds = group.create_dataset(name, data=h5py.Empty("u1"))
        python_type = "None"
    elif isinstance(value, bool):
        ds = group.create_dataset(name, data=np.bool_(value))
        python_type = "bool"
    elif isinstance(value, int):
        ds = group.create_dataset(name, data=_python_int(value, path))
        python_type = "int"
    elif isinstance(value, float):
        ds = group.create_dataset(name, data=np.float64(value))
        python_type = "float"
    elif isinstance(value, complex):
        ds = group.create_dataset(name, data=np.complex128(value))
        python_type = "complex"
    elif isinstance(value, str):
        ds = group.create_dataset(name, data=value, dtype=_STR_DTYPE)
        python_type = "str"
    elif isinstance(value, bytes):
        ds = group.create_dataset(name, data=np.frombuffer(value, dtype=np.uint8))
        python_type = "bytes"
    else:
        return False
    ds.attrs[_TYPE_ATTR] = python_type
    return True


def _write_units(group, units, position):
    """Attach a ``units`` dict to the members of ``group`` (call after writing them)."""
    extra_keys, extra_values = [], []
    for key, unit in units.items():
        # 'Model/Exc_Gl' names a member of a sub-group: the unit goes on that member
        if key not in ("", ".") and not key.startswith("/") and key in group:
            group[key].attrs["unit"] = unit
        else:
            extra_keys.append(key)
            extra_values.append(unit)
    group.attrs.create("units_keys", data=np.array(list(units), dtype=object), dtype=_STR_DTYPE)
    group.attrs["units_position"] = np.int64(position)
    if extra_keys:
        group.attrs.create("units_extra_keys", data=np.array(extra_keys, dtype=object), dtype=_STR_DTYPE)
        group.attrs.create(
            "units_extra_values", data=np.array(extra_values, dtype=object), dtype=_STR_DTYPE
        )


def _write_dict(group, data, path, compression):
    units, units_position = None, None
    for position, (key, value) in enumerate(data.items()):
        _check_key(key, path)
        if _is_units_dict(key, value):
            units, units_position = value, position
            continue
        _write_value(group, key, value, path + (key,), compression)
    if units is not None:
        _write_units(group, units, units_position)


def _write_value(group, name, value, path, compression):
    """Dispatch one value of the dict to its writer."""
    try:
        if isinstance(value, dict):
            _write_dict(group.create_group(name, track_order=True), value, path, compression)
        elif isinstance(value, np.ndarray):
            _write_array(group, name, value, path, "ndarray", compression)
        elif isinstance(value, np.generic):  # before python types: np.float64 is a float
            _write_array(group, name, np.asarray(value), path, "numpy_scalar", None)
        elif isinstance(value, (list, tuple)):
            _write_sequence(group, name, value, path, compression)
        elif not _write_scalar(group, name, value, path):
            raise RecordingError(
                f"value at {_key_path(path)} has unsupported type {type(value).__module__}."
                f"{type(value).__qualname__}; supported: dict, numpy array/scalar, int, float, "
                "complex, bool, str, bytes, None, list, tuple"
            )
    except NetworkError:
        raise
    except Exception as exc:  # h5py/numpy refused the value
        raise RecordingError(
            f"cannot store the value at {_key_path(path)} ({type(value).__name__}): {exc}"
        ) from exc


def _file_mode():
    """Permission bits of a newly created file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save_dict_to_hdf5(data, filename, overwrite=True, compression=None):
    """Write a nested dict to an HDF5 file, atomically and without loss of precision.

    The file is first written to a temporary file in the same directory, which is
    then renamed onto ``filename`` (``os.replace``): an error or a crash while
    writing never leaves a half-written file, and an existing ``filename`` stays
    intact.

    Parameters
    ----------
    data : dict
        Nested dict with str keys (no ``'/'``).  Values: dict, numpy array (any
        dtype but object) or numpy scalar, int (int64 range), float, complex, bool,
        str, bytes, None, list or tuple of those.  A ``'units'`` dict (str → str) is
        stored as the ``unit`` attribute of the members it names.
    filename : str or os.PathLike
        Target file (conventionally ``*.h5``).  Its directory must exist.
    overwrite : bool, optional
        If False and ``filename`` exists, raise instead of replacing it.
    compression : str or None, optional
        h5py compression filter (e.g. ``'gzip'``) for non-empty arrays; lossless.

    Returns
    -------
    str
        The absolute path of the written file.

    Raises
    ------
    RecordingError
        If ``data`` is not a dict, holds a key that is not a str or contains
        ``'/'``, a value of unsupported type (the message names its key path and
        type), if the directory is missing or not writable, or if ``filename``
        exists and ``overwrite`` is False.

    Examples
    --------
    >>> save_dict_to_hdf5({'t': np.arange(3.0), 'units': {'t': 'ms'}}, 'out.h5')  # doctest: +SKIP
    """
    target = os.path.abspath(os.fspath(filename))
    if not isinstance(data, dict):
        raise RecordingError(
            f"cannot write {target}: data must be a dict, got {type(data).__name__}"
        )
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise RecordingError(f"cannot write {target}: directory {directory} does not exist")
    if not overwrite and os.path.exists(target):
        raise RecordingError(f"cannot write {target}: file exists and overwrite=False")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as exc:
        raise RecordingError(f"cannot write {target}: {exc}") from exc
    os.close(fd)
    try:
        with h5py.File(tmp, "w", track_order=True) as f:
            f.attrs["format"] = FORMAT_NAME
            f.attrs["format_version"] = np.int64(FORMAT_VERSION)
            f.attrs["created"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            _write_dict(f, data, (), compression)
        with open(tmp, "rb+") as fh:  # data on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    except Exception as exc:  # RecordingError from the writer, OSError from the disk
        raise RecordingError(f"cannot write {target}: {exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


# ----------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------
def _decode(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _read_str_attr_array(obj, name):
    return [_decode(v) for v in obj.attrs[name]]


def _read_dataset(ds):
    python_type = _decode(ds.attrs.get(_TYPE_ATTR, "ndarray"))
    if python_type == "None":
        return None
    if h5py.check_string_dtype(ds.dtype) is not None and ds.dtype.kind == "O":
        value = ds.asstr()[...]
        if python_type == "str":
            return str(value[()])
        if python_type == "ndarray":  # written by another tool: an object array of str
            return value
        items = value.tolist()
        return tuple(items) if python_type == "tuple" else items
    arr = ds[...]
    if "numpy_dtype" in ds.attrs:
        dtype = np.dtype(_decode(ds.attrs["numpy_dtype"]))
        arr = np.char.decode(arr, "utf-8").astype(dtype) if dtype.kind == "U" else arr.view(dtype)
    if python_type == "ndarray":
        return arr
    if python_type == "numpy_scalar":
        return arr[()]
    if python_type in ("list", "tuple"):
        items = arr.tolist()
        return tuple(items) if python_type == "tuple" else items
    if python_type == "bytes":
        return arr.tobytes()
    if python_type in ("bool", "int", "float", "complex"):
        return arr[()].item()
    raise RecordingError(f"dataset {ds.name} has unknown {_TYPE_ATTR} {python_type!r}")


def _read_group(group):
    python_type = _decode(group.attrs.get(_TYPE_ATTR, "dict"))
    if python_type in ("list", "tuple"):
        items = [_read_member(group[name]) for name in sorted(group, key=int)]
        return tuple(items) if python_type == "tuple" else items
    out = {name: _read_member(member) for name, member in group.items()}
    if "units_keys" in group.attrs:
        extra = {}
        if "units_extra_keys" in group.attrs:
            extra = dict(
                zip(
                    _read_str_attr_array(group, "units_extra_keys"),
                    _read_str_attr_array(group, "units_extra_values"),
                )
            )
        units = {
            key: extra[key] if key in extra else _decode(group[key].attrs["unit"])
            for key in _read_str_attr_array(group, "units_keys")
        }
        items = list(out.items())
        items.insert(int(group.attrs["units_position"]), ("units", units))
        out = dict(items)
    return out


def _read_member(member):
    if isinstance(member, h5py.Group):
        return _read_group(member)
    return _read_dataset(member)


def _open_checked(filename):
    """Open ``filename`` read-only after checking it is one of the toolkit's files."""
    path = os.path.abspath(os.fspath(filename))
    if not os.path.exists(path):
        raise RecordingError(f"cannot read {path}: no such file")
    if not os.path.isfile(path):
        raise RecordingError(f"cannot read {path}: not a regular file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc}") from exc
    if not is_hdf5:
        raise RecordingError(f"cannot read {path}: not an HDF5 file")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: corrupt or unreadable HDF5 file ({exc})") from exc
    try:
        if "format" not in f.attrs:
            raise RecordingError(
                f"cannot read {path}: HDF5 file without the 'format' attribute, "
                f"not written by save_dict_to_hdf5 (expected format={FORMAT_NAME!r})"
            )
        fmt = _decode(f.attrs["format"])
        version = int(f.attrs.get("format_version", -1))
        if fmt != FORMAT_NAME:
            raise RecordingError(
                f"cannot read {path}: format attribute is {fmt!r}, expected {FORMAT_NAME!r}"
            )
        if not 1 <= version <= FORMAT_VERSION:
            raise RecordingError(
                f"cannot read {path}: format_version {version} is not supported "
                f"(this reader knows versions 1..{FORMAT_VERSION}); update the toolkit"
            )
    except BaseException:
        f.close()
        raise
    return path, f


def load_dict_from_hdf5(filename):
    """Read a file written by :func:`save_dict_to_hdf5` back into a nested dict.

    Parameters
    ----------
    filename : str or os.PathLike
        The HDF5 file.

    Returns
    -------
    dict
        The dict that was saved, bit-exact: same keys (same order), same array
        dtypes and shapes, same python types, and the ``'units'`` dict rebuilt
        from the ``unit`` attributes.

    Raises
    ------
    RecordingError
        If the file does not exist, is not an HDF5 file, is corrupt, has no
        ``format`` attribute (not written by this toolkit), has another format or
        a newer format version.  The message names the path and the problem.
    """
    path, f = _open_checked(filename)
    with f:
        try:
            return _read_group(f)
        except NetworkError:
            raise
        except Exception as exc:
            raise RecordingError(f"cannot read {path}: {exc}") from exc


def hdf5_file_info(filename):
    """File-level attributes of a file written by :func:`save_dict_to_hdf5`.

    Parameters
    ----------
    filename : str or os.PathLike

    Returns
    -------
    dict
        ``{'format': str, 'format_version': int, 'created': str}``.

    Raises
    ------
    RecordingError
        As :func:`load_dict_from_hdf5`.
    """
    _, f = _open_checked(filename)
    with f:
        return {
            "format": _decode(f.attrs["format"]),
            "format_version": int(f.attrs["format_version"]),
            "created": _decode(f.attrs.get("created", "")),
        }
