"""Benchmark of the membrane mechanisms: brian2 beside NEURON and Arbor.

Time per second of simulated time (dt = 0.025 ms) of

* one compartment with ``hh`` (NEURON's built-in hh; Arbor's default-catalogue hh),
* one compartment with the full Hay et al. (2011) set (Arbor's bbp_catalogue;
  NEURON has no built-in Hay mechanisms),
* a small cell, a 20 um soma and a 600 um x 2 um dendrite in 60 compartments, with
  the full Hay set everywhere (brian2 SpatialNeuron beside Arbor),

each driven by a suprathreshold current step, brian2 on the runtime target
(cython; compilation excluded by a 10 ms warm-up run) and on cpp_standalone (the
binary's own run time, single thread), NEURON / Arbor on one thread. Every point
runs in its own process (one run per point) so that its peak resident memory
(``ru_maxrss``) is its own; the column "warm-up s" is brian2's code generation and
compilation. Prints a table.

    python benchmarks/bench_mechanisms.py [--duration 1000] [--points hh_b2,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DT = 0.025  # ms
SOMA = {"NaTs2_t": 0.983955, "SKv3_1": 0.303472, "SK_E2": 0.0441, "Ca_HVA": 0.000994,
        "Ca_LVAst": 0.000333, "Ih": 0.0002, "NaTa_t": 0.0, "Nap_Et2": 0.0, "K_Tst": 0.0,
        "K_Pst": 0.0, "Im": 0.0}
CALCIUM = {"gamma": 0.000609, "decay": 210.485}
G_PAS, E_PAS = 3e-5, -90.0


def _brian2(kind, duration, standalone=False):
    import tempfile

    import brian2
    from brian2 import (Cylinder, Network, Soma, SpatialNeuron, StateMonitor, cm, mV, ms, nA, ohm,
                        uF, um)

    sys.path.insert(0, str(ROOT))
    import dendrites.mechanisms as mech

    if kind == "hh":
        membrane = mech.compose([mech.hh])
        values = {}
    else:
        membrane = mech.compose([mech.leak, *mech.HAY2011.values()], g_leak=G_PAS, E_leak=E_PAS)
        values = {f"gbar_{n}": g * brian2.siemens / cm ** 2 for n, g in SOMA.items()}
        values.update(gamma_CaDynamics_E2=CALCIUM["gamma"], decay_CaDynamics_E2=CALCIUM["decay"] * ms)
    morpho = Soma(diameter=20 * um)
    if kind == "cell":
        morpho.dend = Cylinder(diameter=2 * um, length=600 * um, n=59)
    eqs = (membrane.equations + f"Im = {membrane.currents} : amp/meter**2\n"
           + "I_inj : amp (point current)\n")
    if standalone:
        brian2.set_device("cpp_standalone", directory=tempfile.mkdtemp(), build_on_run=False)
    else:
        brian2.prefs.codegen.target = "cython"
    neuron = SpatialNeuron(morpho, eqs, Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm,
                           method="exponential_euler", dt=DT * ms)
    for name, value in {**membrane.parameters, **values}.items():
        setattr(neuron, name, value)
    neuron.v = -75 * mV if kind != "hh" else -65 * mV
    for state, expression in membrane.initial.items():
        setattr(neuron, state, expression)
    neuron.I_inj[0] = 0.4 * nA if kind != "cell" else 1.0 * nA
    monitor = StateMonitor(neuron, "v", record=0, dt=DT * ms)
    net = Network(neuron, monitor)
    if standalone:
        net.run(duration * ms, namespace={})
        start = time.perf_counter()
        brian2.device.build(run=True)
        elapsed = brian2.device._last_run_time
        compile_s = time.perf_counter() - start - elapsed
    else:
        start = time.perf_counter()
        net.run(10 * ms, namespace={})
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        net.run(duration * ms, namespace={})
        elapsed = time.perf_counter() - start
    v = monitor.v[0] / mV
    spikes = int(((v[:-1] < 0) & (v[1:] >= 0)).sum())
    return elapsed, compile_s, spikes, len(neuron)


def _neuron_hh(duration):
    from neuron import h

    h.load_file("stdrun.hoc")
    sec = h.Section(name="soma")
    sec.L = sec.diam = 20.0
    sec.insert("hh")
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 0.0, 1e9, 0.4
    vv = h.Vector().record(sec(0.5)._ref_v)
    h.dt = DT
    h.steps_per_ms = 1 / DT
    h.finitialize(-65.0)
    start = time.perf_counter()
    h.continuerun(duration)
    elapsed = time.perf_counter() - start
    import numpy as np

    v = np.array(vv)
    return elapsed, 0.0, int(((v[:-1] < 0) & (v[1:] >= 0)).sum()), 1


def _arbor(kind, duration):
    import arbor as A
    import numpy as np

    U = A.units
    tree = A.segment_tree()
    soma = tree.append(A.mnpos, A.mpoint(-10, 0, 0, 10), A.mpoint(10, 0, 0, 10), tag=1)
    if kind == "cell":
        tree.append(soma, A.mpoint(10, 0, 0, 1), A.mpoint(610, 0, 0, 1), tag=3)
    decor = A.decor()
    decor.set_property(Vm=(-65 if kind == "hh" else -75) * U.mV, cm=0.01 * U.F / U.m2,
                       rL=100 * U.Ohm * U.cm, tempK=((6.3 if kind == "hh" else 34.0) + 273.15) * U.Kelvin)
    if kind == "hh":
        decor.paint("(all)", A.density("hh"))
    else:
        decor.set_ion("na", rev_pot=50 * U.mV)
        decor.set_ion("k", rev_pot=-85 * U.mV)
        decor.set_ion("ca", int_con=5e-5 * U.mM, ext_con=2.0 * U.mM, method="nernst/x=ca")
        decor.paint("(all)", A.density(f"pas/e={E_PAS}", {"g": G_PAS}))
        for name, g in SOMA.items():
            decor.paint("(all)", A.density(name, {f"g{name}bar": g}))
        decor.paint("(all)", A.density("CaDynamics_E2", dict(CALCIUM)))
    amplitude = 1.0 if kind == "cell" else 0.4
    decor.place("(location 0 0.5)", A.i_clamp(0 * U.ms, 1e9 * U.ms, amplitude * U.nA))
    policy = A.cv_policy_single() if kind != "cell" else A.cv_policy(
        "(join (single (tag 1)) (fixed-per-branch 59 (tag 3)))")
    cell = A.cable_cell(tree, decor, A.label_dict(), discretization=policy)

    class Recipe(A.recipe):
        def __init__(self):
            A.recipe.__init__(self)
            self.props = A.neuron_cable_properties()
            self.props.catalogue.extend(A.bbp_catalogue(), "")

        def num_cells(self):
            return 1

        def cell_kind(self, gid):
            return A.cell_kind.cable

        def cell_description(self, gid):
            return cell

        def global_properties(self, kind):
            return self.props

        def probes(self, gid):
            return [A.cable_probe_membrane_voltage("(location 0 0.5)", "v")]

    sim = A.simulation(Recipe())
    handle = sim.sample((0, "v"), A.regular_schedule(DT * U.ms))
    start = time.perf_counter()
    sim.run(duration * U.ms, DT * U.ms)
    elapsed = time.perf_counter() - start
    data, _ = sim.samples(handle)[0]
    v = data[:, 1]
    return elapsed, 0.0, int(((v[:-1] < 0) & (v[1:] >= 0)).sum()), 60 if kind == "cell" else 1


POINTS = {
    "hh_brian2": ("hh, 1 compartment", "brian2 (cython)", lambda d: _brian2("hh", d)),
    "hh_neuron": ("hh, 1 compartment", "NEURON", _neuron_hh),
    "hh_arbor": ("hh, 1 compartment", "Arbor", lambda d: _arbor("hh", d)),
    "hay_brian2": ("Hay set, 1 compartment", "brian2 (cython)", lambda d: _brian2("hay", d)),
    "hay_standalone": ("Hay set, 1 compartment", "brian2 standalone", lambda d: _brian2("hay", d, True)),
    "hay_arbor": ("Hay set, 1 compartment", "Arbor", lambda d: _arbor("hay", d)),
    "cell_brian2": ("Hay set, 60 compartments", "brian2 (cython)", lambda d: _brian2("cell", d)),
    "cell_standalone": ("Hay set, 60 compartments", "brian2 standalone",
                        lambda d: _brian2("cell", d, True)),
    "cell_arbor": ("Hay set, 60 compartments", "Arbor", lambda d: _arbor("cell", d)),
}


def _run_point(name, duration):
    elapsed, compile_s, spikes, n = POINTS[name][2](duration)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    print(json.dumps({"point": name, "seconds": elapsed, "compile": compile_s, "spikes": spikes,
                      "compartments": n, "peak_MiB": peak}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated ms")
    parser.add_argument("--points", default=",".join(POINTS))
    parser.add_argument("--point", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.point:
        _run_point(args.point, args.duration)
        return 0
    rows = []
    for name in args.points.split(","):
        out = subprocess.run([sys.executable, __file__, "--point", name, "--duration",
                              str(args.duration)], capture_output=True, text=True, cwd=ROOT)
        line = [x for x in out.stdout.splitlines() if x.startswith("{")]
        if out.returncode or not line:
            print(f"{name}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(line[-1]))
    print(f"{'model':26s} {'simulator':17s} {'s per sim. s':>12s} {'warm-up s':>9s} "
          f"{'spikes':>6s} {'peak MiB':>8s}")
    for row in rows:
        model, simulator, _ = POINTS[row["point"]]
        per_second = row["seconds"] / (args.duration / 1000.0)
        print(f"{model:26s} {simulator:17s} {per_second:12.3f} {row['compile']:9.1f} "
              f"{row['spikes']:6d} {row['peak_MiB']:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
