"""Figures of the mean-field theory: transfer functions with their simulated points, mean field against network.

Every function returns the matplotlib figure (and axes) and takes an optional ``ax``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelKeyError, ParameterError

__all__ = ["tf_2_variables", "tf_surface", "mean_field_vs_network", "rates_vs_drive", "fixed_point_diagonal"]


def _axes(ax, projection=None, figsize=(4.0, 3.2)):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig = plt.figure(figsize=figsize)
    return fig, fig.add_subplot(111, projection=projection)


def _grid_axes(data, xkey, ckey):
    for key in (xkey, ckey, "Fout_mean"):
        if key not in data:
            raise ModelKeyError(f"characterisation data has no {key!r} (keys: {sorted(k for k in data if k.startswith('F'))}).")
    x, c = np.asarray(data[xkey]), np.asarray(data[ckey])
    return x, c, np.unique(x), np.unique(c)


def tf_2_variables(data, xkey="F_Exc", ckey="F_Inh", ax=None, fit=None, cmap="viridis", logy=False):
    """Output rate (mean ± sd over seeds) against one input rate, one curve per value of another.

    Parameters
    ----------
    data : dict
        From :func:`network.transfer_functions.characterise`.
    xkey, ckey : str
        ``F_<pop>`` keys of the abscissa and of the colour.
    fit : callable or None
        ``fit({x_pop: array, c_pop: array}) -> Hz`` (e.g. a
        :class:`~network.theory.tf.TransferFunction` with the other inputs fixed),
        drawn as lines on a fine grid of the abscissa.
    """
    import matplotlib.pyplot as plt

    fig, ax = _axes(ax)
    x, c, xs, cs = _grid_axes(data, xkey, ckey)
    colors = plt.get_cmap(cmap)(np.linspace(0, 0.9, len(cs)))
    fine = np.linspace(xs.min(), xs.max(), 200)
    for col, cv in zip(colors, cs):
        sel = c == cv
        order = np.argsort(x[sel])
        m, s = np.asarray(data["Fout_mean"])[sel][order], np.asarray(data["Fout_std"])[sel][order]
        ax.errorbar(x[sel][order], m, yerr=s, fmt="o", ms=3, color=col, lw=0.8, label=f"{cv:.3g} Hz")
        if fit is not None:
            ax.plot(fine, np.asarray(fit({xkey[2:]: fine, ckey[2:]: np.full_like(fine, cv)})), "-", color=col, lw=1)
    ax.set_xlabel(f"$\\nu_{{{xkey[2:]}}}$ (Hz)")
    ax.set_ylabel("$\\nu_{out}$ (Hz)")
    if logy:
        ax.set_yscale("log")
    ax.legend(title=f"$\\nu_{{{ckey[2:]}}}$", fontsize=6, title_fontsize=7, frameon=False, ncol=2)
    return fig, ax


def tf_surface(data, tf, xkey="F_Exc", ykey="F_Inh", ax=None, zmax=None, n=40, fixed=None):
    """3-D surface of a transfer function over two input rates, with the simulated points.

    Parameters
    ----------
    data : dict
        A characterisation (points ``xkey``, ``ykey``, ``Fout_mean``).
    tf : TransferFunction
        The theory drawn as the surface (W = 0; the points' own W is used for the
        markers' theoretical counterparts only through ``data['W_mean']``).
    fixed : dict, optional
        Rates (Hz) of the other inputs (default: their first value in the data).
    """
    fig, ax = _axes(ax, projection="3d", figsize=(4.2, 3.6))
    x, y, xs, ys = _grid_axes(data, xkey, ykey)
    X, Y = np.meshgrid(np.linspace(xs.min(), xs.max(), n), np.linspace(ys.min(), ys.max(), n))
    rates = {name: np.full(X.shape, float(np.atleast_1d(data[f"F_{name}"])[0]) if f"F_{name}" in data else 0.0)
             for name in tf.input_names}
    rates.update(fixed or {})
    rates[xkey[2:]], rates[ykey[2:]] = X, Y
    Z = tf(rates)
    if zmax is not None:
        Z = np.minimum(Z, zmax)
    ax.plot_surface(X, Y, Z, cmap="viridis", alpha=0.6, lw=0)
    F = np.asarray(data["Fout_mean"])
    ax.scatter(x, y, F if zmax is None else np.minimum(F, zmax), color="k", s=4)
    ax.set_xlabel(f"$\\nu_{{{xkey[2:]}}}$ (Hz)")
    ax.set_ylabel(f"$\\nu_{{{ykey[2:]}}}$ (Hz)")
    ax.set_zlabel("$\\nu_{out}$ (Hz)")
    return fig, ax


def mean_field_vs_network(mf_out, network_rates, t_network=None, pops=None, ax=None, colors=None, smooth_ms=None,
                          logy=False):
    """Mean-field rates over time (lines) against the network's population rates (shaded).

    Parameters
    ----------
    mf_out : dict
        From :meth:`network.theory.mean_field.MeanField.solve`.
    network_rates : dict
        ``{pop: rate array (Hz)}`` (e.g. ``data['POP_ACT_<pop>']``) on ``t_network`` (ms;
        default ``mf_out['t']``).
    smooth_ms : float, optional
        Gaussian smoothing of the network rates.
    """
    fig, ax = _axes(ax, figsize=(5.0, 2.6))
    pops = pops or [p for p in network_rates if p in mf_out]
    if not pops:
        raise ParameterError("mean_field_vs_network: no population is both in the mean field and the network data.")
    t_network = mf_out["t"] if t_network is None else np.asarray(t_network)
    default = {"Exc": "tab:green", "Inh": "tab:red"}
    for k, p in enumerate(pops):
        col = (colors or {}).get(p, default.get(p, f"C{k}"))
        r = np.asarray(network_rates[p], dtype=float)
        if smooth_ms:
            from scipy.ndimage import gaussian_filter1d

            r = gaussian_filter1d(r, smooth_ms / float(t_network[1] - t_network[0]))
        ax.plot(t_network, r, color=col, alpha=0.35, lw=0.8)
        ax.plot(mf_out["t"], mf_out[p], color=col, lw=1.5, label=f"{p} (mean field)")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    if logy:
        ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=7)
    return fig, ax


def rates_vs_drive(drives, network, predictions, pops=("Exc", "Inh"), ax=None):
    """Stationary rates against the drive: network (mean ± sd markers) and mean-field curves.

    Parameters
    ----------
    drives : array_like
        Drives of the network points (Hz).
    network : dict
        ``{pop: (means, sds)}`` arrays over ``drives``.
    predictions : dict
        ``{label: (drive_grid, {pop: rates})}``.
    """
    fig, ax = _axes(ax, figsize=(4.0, 3.0))
    colors = {"Exc": "tab:green", "Inh": "tab:red"}
    styles = ["-", "--", ":", "-."]
    for k, (label, (grid, rates)) in enumerate(predictions.items()):
        for p in pops:
            ax.plot(grid, rates[p], styles[k % 4], color=colors.get(p, "k"), lw=1.2,
                    label=f"{label}" if p == pops[0] else None)
    for p in pops:
        m, s = network[p]
        ax.errorbar(drives, m, yerr=s, fmt="o", color=colors.get(p, "k"), ms=4, label=f"network {p}")
    ax.set_xlabel("external drive (Hz)")
    ax.set_ylabel("stationary rate (Hz)")
    ax.legend(frameon=False, fontsize=6)
    return fig, ax


def fixed_point_diagonal(tf, drive, nu_max, ax=None, n=300, afferent="AffExc"):
    """The transfer function on the diagonal nu_e = nu_i against the identity, crossings marked.

    The original fixed_point_analysis inset: output rate of ``tf`` when every
    recurrent input fires at ``nu`` and the afferent at ``drive``; a crossing of the
    identity is a fixed point of the symmetric network.
    """
    fig, ax = _axes(ax, figsize=(2.6, 2.4))
    nu = np.linspace(0.0, nu_max, n)
    rates = {name: nu for name in tf.input_names}
    if afferent in rates:
        rates[afferent] = np.full(n, float(drive))
    F = tf(rates)
    ax.plot(nu, F, "k--", lw=1, label="TF")
    ax.plot(nu, nu, "k-", lw=0.5)
    d = F - nu
    cross = np.flatnonzero(np.sign(d[:-1]) != np.sign(d[1:]))
    for i in cross:
        x0 = nu[i] - d[i] * (nu[i + 1] - nu[i]) / (d[i + 1] - d[i])
        ax.plot([x0], [x0], "ko", ms=4)
    ax.set_xlabel("$\\nu_{e}=\\nu_{i}$ (Hz)")
    ax.set_ylabel("$\\nu_{out}$ (Hz)")
    return fig, ax
