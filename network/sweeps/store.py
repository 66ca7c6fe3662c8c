"""The HDF5 store of a sweep: one record per point, in the toolkit's HDF5 format.

The store is a file written by :func:`network.hdf5.save_dict_to_hdf5` (so
:func:`network.hdf5.load_dict_from_hdf5` reads it back as a nested dict)::

    {'sweep':  {'format': 'network.sweeps', 'version': 1, 'function': 'module:name',
                'fixed': {...}, 'seed': int, 'space': {...}, 'names': [...],
                'created': ISO time, 'updated': ISO time},
     'points': {<point key>: record, ...}}        # in the order of the points

and each record is::

    {'index': int, 'key': str, 'parameters': {name: value}, 'seed': int,
     'status': 'done' | 'failed', 'outputs': {...}, 'error': str, 'traceback': str,
     'run_time': float (s), 'worker': str, 'attempts': int, 'finished': ISO time,
     'compiled': int}

Only the client writes it, and every write replaces the file atomically
(temporary file, ``fsync``, rename): a sweep killed at any moment leaves the last
complete store, holding every point recorded until then.  During a sweep the
finished points are appended (:func:`append_records`: a copy of the file plus the
new records); at its end the store is rewritten once in point order
(:func:`write_store`).
"""

from __future__ import annotations

import datetime
import os

import numpy as np

from ..errors import ParameterError, RecordingError
from ..hdf5 import load_dict_from_hdf5, save_dict_to_hdf5

__all__ = ["STORE_FORMAT", "STORE_VERSION", "STATUSES", "read_store", "write_store", "append_records",
           "new_header", "check_header"]

STORE_FORMAT = "network.sweeps"
"""Value of ``['sweep']['format']`` in a sweep store."""
STORE_VERSION = 1
"""Value of ``['sweep']['version']``."""
STATUSES = ("done", "failed")
"""Statuses of a recorded point (a point without a record is *missing*)."""


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def new_header(function_name, fixed, seed, space):
    """The ``'sweep'`` group of a new store."""
    now = _now()
    return {"format": STORE_FORMAT, "version": STORE_VERSION, "function": function_name,
            "fixed": dict(fixed), "seed": int(seed), "space": space.describe(), "names": list(space.names),
            "created": now, "updated": now}


def read_store(path):
    """The header and the records of a sweep store.

    Parameters
    ----------
    path : str or path

    Returns
    -------
    (dict, dict) or (None, {})
        The ``'sweep'`` header and ``{point key: record}`` in stored order;
        ``(None, {})`` if the file does not exist.

    Raises
    ------
    RecordingError
        The file exists but is not a sweep store (or is unreadable).
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        return None, {}
    data = load_dict_from_hdf5(path)
    header = data.get("sweep")
    if not isinstance(header, dict) or header.get("format") != STORE_FORMAT:
        raise RecordingError(
            f"cannot use {os.path.abspath(path)} as a sweep store: it is a toolkit HDF5 file but not a "
            f"sweep store (no 'sweep' group of format {STORE_FORMAT!r}); choose another file name."
        )
    if int(header.get("version", 0)) > STORE_VERSION:
        raise RecordingError(
            f"cannot read {os.path.abspath(path)}: sweep store version {header.get('version')} is newer than "
            f"this toolkit's ({STORE_VERSION}); update the toolkit."
        )
    return header, dict(data.get("points", {}))


def append_records(path, header, records):
    """Add (or replace) some records in an existing store, atomically, without rewriting the others.

    The store is copied to a temporary file beside it (a plain file copy), the new
    records (written by :func:`network.hdf5.save_dict_to_hdf5` to a second temporary
    file) are copied into it with HDF5's native object copy, and the copy is
    ``fsync``-ed and renamed onto the store.  The cost is one file copy plus the new
    records, instead of re-encoding every record.  Records appended this way are
    stored in the order they finished; :func:`write_store` puts them back in point
    order (the sweep does it at its end).

    Raises
    ------
    RecordingError
        The store cannot be copied, read or written.
    """
    import shutil
    import tempfile

    import h5py

    path = os.path.abspath(os.fspath(path))
    if not os.path.exists(path):
        return write_store(path, header, records)
    directory = os.path.dirname(path)
    temps = []
    try:
        for suffix in (".tmp", ".batch.tmp"):
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=suffix)
            os.close(fd)
            temps.append(tmp)
        copy, batch = temps
        save_dict_to_hdf5({"sweep": dict(header, updated=_now()), "points": dict(records)}, batch)
        shutil.copyfile(path, copy)
        with h5py.File(copy, "r+") as dst, h5py.File(batch, "r") as src:
            del dst["sweep"]
            dst.copy(src["sweep"], dst, name="sweep")
            for key in src["points"]:
                if key in dst["points"]:
                    del dst["points"][key]
                dst.copy(src["points"][key], dst["points"], name=key)
        with open(copy, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(copy, path)
    except RecordingError:
        raise
    except Exception as exc:  # OSError from the disk, h5py errors
        raise RecordingError(f"cannot write {path}: {exc}") from exc
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_store(path, header, records):
    """Write the whole store atomically (records sorted by their ``index``).

    Raises
    ------
    RecordingError
        The directory does not exist or is not writable, or an output cannot be stored.
    """
    header = dict(header, updated=_now())
    ordered = dict(sorted(records.items(), key=lambda kv: kv[1]["index"]))
    save_dict_to_hdf5({"sweep": header, "points": ordered}, path)


def _same(a, b):
    """Equality of stored values (dicts, sequences, arrays, scalars) after an HDF5 round trip."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and list(a) == list(b) and all(
            _same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except Exception:
        return a == b


def check_header(path, stored, function_name, fixed, seed):
    """Raise ParameterError if the store at ``path`` holds another sweep.

    A store may be resumed (or extended with new points) only by the same point
    function with the same fixed parameters and base seed: otherwise its results
    would silently mix two different experiments.
    """
    problems = []
    if stored["function"] != function_name:
        problems.append(f"function {stored['function']!r} (now {function_name!r})")
    if not _same(dict(stored.get("fixed", {})), dict(fixed)):
        problems.append(f"fixed parameters {stored.get('fixed')!r} (now {dict(fixed)!r})")
    if int(stored.get("seed", 0)) != int(seed):
        problems.append(f"seed {stored.get('seed')!r} (now {seed!r})")
    if problems:
        raise ParameterError(
            f"the store {os.path.abspath(os.fspath(path))} holds another sweep: " + "; ".join(problems)
            + ". Give another store file, or delete this one to start again."
        )
