"""Parameter sweeps on dask.distributed: resumable, one HDF5 store, seeds from parameters.

A sweep runs a point function at every point of a parameter space, in worker
processes of a dask cluster (a LocalCluster sized to the machine by default, or any
scheduler, e.g. one started by dask-jobqueue on SLURM), and records one record per
point in one HDF5 store::

    from network import sweeps

    def rates(drive, b, seed):
        ...                       # build and run a network, return {'rate_Exc': ...}

    result = sweeps.run_sweep(rates, sweeps.grid(drive=[2, 4, 6], b=[0, 20, 40]), 'scan.h5',
                              workers=2)
    result.summary()              # pandas DataFrame, one row per point
    result.output('rate_Exc')     # array of the grid's shape (3, 3)

Running it again resumes: finished points are skipped, failed ones are kept and
reported (``retry_failed=True`` runs them again).  The original project's
``ntwk.scan.run`` / ``ntwk.scan.get`` are in :mod:`network.scan`.

Submodules: :mod:`~network.sweeps.space` (grids, points, random samples, seeds),
:mod:`~network.sweeps.engine` (running, results), :mod:`~network.sweeps.store` (the
HDF5 store), :mod:`~network.sweeps.worker` (dask worker set-up),
:mod:`~network.sweeps.simulation` (networks from model files: ``nnd run`` and the
point function :func:`~network.sweeps.simulation.network_point`),
:mod:`~network.sweeps.spec` (sweep files: ``nnd sweep SPEC.yaml``).
"""

from .engine import SweepResult, default_workers, load_sweep, run_point, run_sweep, sweep_status
from .space import Grid, Points, RandomSamples, as_space, grid, point_key, point_seed, points, random_samples

__all__ = ["run_sweep", "load_sweep", "sweep_status", "SweepResult", "grid", "points", "random_samples",
           "Grid", "Points", "RandomSamples", "as_space", "point_key", "point_seed", "run_point",
           "default_workers"]
