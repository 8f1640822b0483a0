"""srlif: stochastic resonance in leaky integrate-and-fire neurons, on CPU and GPU.

The same C++ library as the ``srlif`` command line, with NumPy/xarray results::

    import srlif
    ds = srlif.sweep(sigma="0:60:25", amplitude=20, bias=178, neurons=1000)
    ds.mean_vector_strength.sel(amplitude=20, bias=178, frequency=10).plot()

Keyword arguments are the command line's long flags with underscores (``v_th``
for ``--v-th``), in the same units (mV, ms, pA, nS, Hz) and with the same
defaults; see docs/python.md.
"""

from ._core import InputError, Interrupted, UnavailableError, __version__
from ._api import info, merge, population, reproduce, sweep, theory, trace
from ._dataset import open  # noqa: A001 (srlif.open reads an output folder)

__all__ = [
    "InputError",
    "Interrupted",
    "UnavailableError",
    "__version__",
    "info",
    "merge",
    "open",
    "population",
    "reproduce",
    "sweep",
    "theory",
    "trace",
]
