"""The passive linear system of a discretised cell, exactly as brian2 solves it.

brian2's ``SpatialNeuron`` couples the compartments of a section through the
conductances ``1 / (Ri (1/r_length_2[i-1] + 1/r_length_1[i]))`` and joins
sections at branch-point nodes without membrane: a section's first compartment
is joined to its start node by ``r_length_1[first] / Ri``, its last compartment to
its end node by ``r_length_2[last] / Ri``.  Eliminating the nodes (star-mesh
transform) leaves an ``n x n`` symmetric conductance matrix ``G`` (siemens) so
that the compartment voltages obey::

    C dv/dt = -G v + g_m (E_L - v) + I

with ``C = Cm * area`` and ``g_m = gL * area`` per compartment.  Its steady
state, input and transfer resistances, eigen time constants and DC
electrotonic lengths are those of brian2's own discretisation, so they are the
references the simulations are checked against (and the transfer kernel that
location experiments use).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from .errors import ParameterError

__all__ = ["PassiveSystem", "axial_conductance_matrix"]


def axial_conductance_matrix(morphology, Ri):
    """Return brian2's axial conductance matrix of a morphology (siemens, sparse CSR).

    Parameters
    ----------
    morphology : brian2.Morphology
        The brian2 tree (e.g. ``Discretisation.morphology``).
    Ri : float
        Axial resistivity in ohm*m (SI).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``G`` with ``(G @ v)[i]`` the axial current leaving compartment ``i``.
    """
    from brian2.spatialneuron.spatialneuron import FlatMorphology

    flat = FlatMorphology(morphology)
    n, n_sec = flat.n, flat.sections
    r1, r2 = flat.r_length_1, flat.r_length_2
    starts, ends = flat.starts.astype(np.int64), flat.ends.astype(np.int64)
    # within sections: consecutive compartments
    inner = np.ones(n, dtype=bool)
    inner[starts] = False
    i = np.flatnonzero(inner)
    g_inner = 1.0 / (Ri * (1.0 / r2[i - 1] + 1.0 / r1[i]))
    rows = [i - 1, i]
    cols = [i, i - 1]
    vals = [-g_inner, -g_inner]
    diag = np.bincount(i - 1, g_inner, n) + np.bincount(i, g_inner, n)
    # nodes: row 0 = root start (sealed), row s+1 = end node of section s
    node_first = flat.morph_parent_i.astype(np.int64)  # start node of each section
    node = np.concatenate([node_first, np.arange(n_sec) + 1])
    comp = np.concatenate([starts, ends - 1])
    g_node = np.concatenate([r1[starts], r2[ends - 1]]) / Ri
    # the root section's start node is sealed: drop it (it carries no current)
    keep = node != 0
    node, comp, g_node = node[keep], comp[keep], g_node[keep]
    B = sparse.csr_matrix((g_node, (node, comp)), shape=(n_sec + 1, n))
    total = np.asarray(B.sum(axis=1)).ravel()
    inv = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    schur = B.T @ sparse.diags(inv) @ B
    diag = diag + np.bincount(comp, g_node, n)
    G = (sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(n, n)) + sparse.diags(diag) - schur)
    return G.tocsr()


class PassiveSystem:
    """The linear passive model of a discretised cell (brian2's discretisation).

    Parameters
    ----------
    morphology : brian2.Morphology
        The brian2 tree.
    area : numpy.ndarray
        Membrane area of each compartment, m**2.
    Ri : float
        Axial resistivity, ohm*m.
    Cm : float or numpy.ndarray
        Specific capacitance per compartment, F/m**2.
    gL : float or numpy.ndarray
        Leak conductance density per compartment, S/m**2 (for an active cell:
        the total membrane conductance density at rest, the slope conductance).
    EL : float or numpy.ndarray, optional
        Leak reversal per compartment, V (default 0).

    Attributes
    ----------
    G : scipy.sparse.csr_matrix
        Axial conductance matrix (S).
    capacitance, conductance : numpy.ndarray
        ``Cm * area`` (F) and ``gL * area`` (S) per compartment.
    """

    def __init__(self, morphology, area, Ri, Cm, gL, EL=0.0):
        self.morphology = morphology
        self.area = np.asarray(area, dtype=float)
        n = len(self.area)
        self.Ri = float(Ri)
        self.G = axial_conductance_matrix(morphology, self.Ri)
        self.capacitance = np.broadcast_to(np.asarray(Cm, float), (n,)) * self.area
        self.conductance = np.broadcast_to(np.asarray(gL, float), (n,)) * self.area
        self.EL = np.broadcast_to(np.asarray(EL, float), (n,)).copy()
        self._lu = None

    @property
    def n(self):
        """int: number of compartments."""
        return len(self.area)

    @property
    def matrix(self):
        """scipy.sparse.csc_matrix: ``G + diag(g_m)``, the steady-state system (S)."""
        return (self.G + sparse.diags(self.conductance)).tocsc()

    def _solver(self):
        if self._lu is None:
            self._lu = sparse_linalg.splu(self.matrix)
        return self._lu

    def steady_state(self, current=None):
        """Return the steady-state voltages (V) for point currents ``current`` (A, inward +).

        Parameters
        ----------
        current : numpy.ndarray, optional
            Injected current per compartment (default none: the resting potential).
        """
        rhs = self.conductance * self.EL
        if current is not None:
            rhs = rhs + np.asarray(current, dtype=float)
        return self._solver().solve(rhs)

    def transfer_resistance(self, compartment=0):
        """Return the transfer resistances from ``compartment`` to every compartment (ohm).

        Column ``compartment`` of the inverse of :attr:`matrix`: the steady-state
        voltage everywhere per unit current injected at ``compartment``
        (reciprocal: row and column are equal).
        """
        e = np.zeros(self.n)
        if not 0 <= int(compartment) < self.n:
            raise ParameterError(f"compartment={compartment} is outside 0..{self.n - 1}.")
        e[int(compartment)] = 1.0
        return self._solver().solve(e)

    def input_resistance(self, compartment=0):
        """Return the input resistance at ``compartment`` (ohm)."""
        return float(self.transfer_resistance(compartment)[int(compartment)])

    def attenuation(self, compartment=0):
        """Return the steady-state voltage ratio ``V_i / V_compartment`` for a current at ``compartment``."""
        r = self.transfer_resistance(compartment)
        return r / r[int(compartment)]

    def time_constants(self, k=1):
        """Return the ``k`` slowest time constants (s) of ``C dv/dt = -(G + g_m) v``.

        They are the inverses of the smallest generalised eigenvalues of
        ``(G + diag(g_m), diag(C))``: ``tau_0`` is the membrane time constant
        (``Cm / gL`` for a uniform membrane), the following ones are the
        equalising time constants of Rall's peeling.
        """
        k = int(k)
        n = self.n
        scale = 1.0 / np.sqrt(self.capacitance)
        sym = sparse.diags(scale) @ self.matrix @ sparse.diags(scale)
        if n <= max(200, k + 2):
            values = np.linalg.eigvalsh(sym.toarray())[:k]
        else:
            values = sparse_linalg.eigsh(sym.tocsc(), k=k, sigma=0, which="LM",
                                         return_eigenvectors=False)
            values = np.sort(values)
        return 1.0 / values

    def response(self, times, compartment=0, *, dt=None):
        """Voltage response everywhere to a unit charge (1 C) injected at ``compartment`` at t=0.

        The exact impulse response (Green's function) of the compartment system,
        ``exp(-t C^-1 A) C^-1 e``, evaluated at ``times`` (s) with
        :func:`scipy.sparse.linalg.expm_multiply`.

        Returns
        -------
        numpy.ndarray, shape (len(times), n)
            V per coulomb.
        """
        times = np.asarray(times, dtype=float)
        A = -(sparse.diags(1.0 / self.capacitance) @ self.matrix).tocsc()
        e = np.zeros(self.n)
        e[int(compartment)] = 1.0 / self.capacitance[int(compartment)]
        if len(times) > 1 and np.allclose(np.diff(times), times[1] - times[0]):
            return sparse_linalg.expm_multiply(A, e, start=times[0], stop=times[-1],
                                               num=len(times), endpoint=True)
        return np.array([sparse_linalg.expm_multiply(A * t, e) for t in times])
