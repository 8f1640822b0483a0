"""The srlif functions: keyword arguments -> the library's jobs -> Datasets.

Each function reads its keyword arguments through the command's own options in
the C++ library (names, defaults and checks are the command line's), runs the
job on a worker thread with the GIL released, and waits for it here: the
calling thread draws the progress bar, and a KeyboardInterrupt (Ctrl-C,
"interrupt kernel") or a set ``stop`` event asks the job to stop at its next
chunk boundary. The package installs no signal handler of its own.
"""

import contextlib
import inspect
import numbers
import os
import pathlib
import sys
import tempfile
import threading
import warnings

import numpy as np

from . import _core
from ._dataset import open as open_folder
from ._dataset import theory_dataset, trace_dataset

_COMMANDS = ("sweep", "population", "trace", "theory", "reproduce")
# Command-line options with no meaning here: Python prints no table, and
# progress= is the tqdm bar.
_NOT_KEYWORDS = {"quiet", "progress"}
# Options that take a path.
_PATHS = {"out", "config", "rate_curve"}


def _keyword(flag):
    return flag.replace("-", "_")


class _Options:
    """A command's options, as the C++ library describes them."""

    def __init__(self, command):
        self.command = command
        self.by_keyword = {}
        for option in _core.options(command):
            if option["name"] in _NOT_KEYWORDS:
                continue
            self.by_keyword[_keyword(option["name"])] = option

    def signature(self, extra):
        parameters = []
        for keyword, option in self.by_keyword.items():
            default = option["default"]
            if option["kind"] == "flag":
                default = default in ("true", "1")
            elif keyword in _PATHS or default == "":
                default = None
            elif option["kind"] == "axis":
                default = _axis_default(default)
            elif option["kind"] in ("int", "uint"):
                default = int(default)
            elif option["kind"] == "float":
                default = float(default)
            parameters.append(inspect.Parameter(keyword, inspect.Parameter.KEYWORD_ONLY, default=default))
        for keyword, default in extra.items():
            parameters.append(inspect.Parameter(keyword, inspect.Parameter.KEYWORD_ONLY, default=default))
        return inspect.Signature(parameters)

    def values(self, given):
        """(flag name, text) pairs for the C++ option reader; InputError naming the keyword."""
        pairs = []
        for keyword, value in given.items():
            option = self.by_keyword.get(keyword)
            if option is None:
                raise TypeError(f"srlif.{self.command}() got an unexpected keyword argument '{keyword}'")
            if value is None:
                continue
            pairs.append((option["name"], _text(keyword, option["kind"], value, option["kind"] == "axis")))
        return pairs


def _axis_default(text):
    """An axis's default as the signature shows it: a number where it is one value, else its text."""
    try:
        return float(text)
    except ValueError:
        return text


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _number_text(value):
    return str(int(value)) if _is_integer(value) else repr(float(value))


def _text(keyword, kind, value, is_axis):
    """The text of one keyword argument, as the command line would take it."""
    if is_axis:
        if isinstance(value, str):
            return value
        if _is_real(value):
            return _number_text(value)
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001 - anything numpy cannot read is the same bad input
            array = np.asarray([object()])
        if array.ndim != 1:
            raise _core.InputError(
                f"{keyword}: an axis is a range string, a number or a one-dimensional sequence of numbers "
                f"(got a {array.ndim}-D array)"
            )
        if array.size == 0:
            raise _core.InputError(f"{keyword}: an axis needs at least one value")
        if array.dtype.kind not in "iuf":
            raise _core.InputError(f"{keyword}: axis values must be real numbers (got {array.dtype} values)")
        return ",".join(_number_text(item) for item in array.tolist())
    if kind == "flag":
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        raise _core.InputError(f"{keyword}: must be True or False (got {value!r})")
    if kind == "float":
        if _is_real(value):
            return repr(float(value))
        raise _core.InputError(f"{keyword}: must be a number (got {value!r})")
    if kind in ("int", "uint"):
        if _is_integer(value):
            return str(int(value))
        raise _core.InputError(f"{keyword}: must be a whole number (got {value!r})")
    if keyword in _PATHS and isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, str):
        return value
    raise _core.InputError(f"{keyword}: must be a string (got {value!r})")


def _call_text(command, pairs):
    """What run.json records as the command line of a Python call."""
    arguments = ", ".join(f"{_keyword(name)}={text!r}" for name, text in pairs)
    return f"srlif.{command}({arguments})"


def _with_threads(pairs):
    """threads=0 (the default) is OpenMP's limit for the calling thread: OMP_NUM_THREADS,
    threadpoolctl. The run goes on another thread, so the limit is read here."""
    given = dict(pairs)
    if given.get("threads", "0") == "0":
        given["threads"] = str(_core.max_threads())
    return list(given.items())


def _wait(work, control, progress, stop, description):
    """Runs `work` on a worker thread; here: the progress bar, Ctrl-C and `stop`."""
    outcome = {}
    # Set by the worker when it is done. Not Thread.join/is_alive: on Python 3.11 a
    # KeyboardInterrupt inside join(timeout) can mark a running thread as stopped
    # (CPython gh-90882), and the call would return while its run goes on.
    finished = threading.Event()

    def target():
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - re-raised on the calling thread
            outcome["error"] = error
        finally:
            finished.set()

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=None, desc=description, unit="neuron-steps", unit_scale=True, delay=1.0, leave=False)
    threading.Thread(target=target, name=f"srlif {description}", daemon=True).start()
    interrupted = None
    try:
        while not finished.is_set():
            # A KeyboardInterrupt can land anywhere in this loop: wherever it does, the worker
            # is asked to stop (at its next chunk boundary, the checkpoint saved) and waited
            # for, and the interrupt is raised once it has stopped.
            try:
                if finished.wait(0.1):
                    break
                if stop is not None and stop.is_set():
                    control.stop(_core.STOP_REQUEST)
                if bar is not None and control.total:
                    bar.total = control.total
                    bar.n = control.done
                    bar.refresh()
            except KeyboardInterrupt as error:
                interrupted = error
                control.stop(_core.STOP_INTERRUPT)
    finally:
        if bar is not None:
            bar.close()
    # Raised from locals that are dropped: an exception kept in a frame its traceback holds
    # would keep the run's objects alive until the cycle collector runs.
    error = outcome.pop("error", None) or interrupted
    interrupted = None
    try:
        if error is not None:
            raise error
        return outcome.pop("value", None)
    finally:
        error = None


def _simulate(command, runner, given, progress, stop, tallies):
    out = given.pop("out", None)
    if command == "sweep" and given.get("resume") and out is None:
        raise _core.InputError("resume: continues the run in out=, which is not given")
    pairs = _with_threads(_OPTIONS[command].values(given))
    with contextlib.ExitStack() as stack:
        if out is None:  # a temporary folder, read back and removed
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="srlif-"))
            call = _call_text(command, pairs)
        else:
            folder = _text("out", "text", out, False)
            call = _call_text(command, pairs + [("out", folder)])
        control = _core.Control()
        started_afresh = _wait(
            lambda: runner(pairs + [("out", folder)], call, control), control, progress, stop, command
        )
        if command == "sweep" and started_afresh is True:
            warnings.warn(
                f"resume: {folder} held no checkpoint and no finished run; this run started afresh",
                stacklevel=3,
            )
        return open_folder(folder, tallies=tallies)


def sweep(*, out=None, progress=True, stop=None, tallies=False, **options):
    """Simulates a grid and returns its measures as an xarray.Dataset (docs/python.md).

    Keyword arguments are ``srlif sweep``'s flags with underscores, same units and defaults.
    ``out=DIR`` writes the command line's files (points.csv, optimum.csv, tallies.csv,
    run.json) and keeps a checkpoint while running (``resume=True`` continues it);
    ``progress`` shows a tqdm bar; ``stop`` (a threading.Event) stops the run at the next
    chunk boundary like Ctrl-C does; ``tallies=True`` adds the exact integer tallies.
    """
    return _simulate("sweep", _core.run_sweep, dict(options, out=out), progress, stop, tallies)


def population(*, out=None, progress=True, stop=None, **options):
    """Simulates a population with its readouts (phase histogram, PSTH, spectrum and SNR,
    raster, subthreshold margin); returns an xarray.Dataset. Flags of ``srlif population``."""
    return _simulate("population", _core.run_population, dict(options, out=out), progress, stop, False)


def merge(shards, *, out, tallies=False):
    """Joins the shard folders of one sweep (``sweep(shard="I/N", out=...)``, in any order) into
    ``out``: the points.csv, optimum.csv and tallies.csv of the unsplit run, byte for byte, and a
    run.json (``srlif merge``, the same job and refusals). Returns ``srlif.open(out)``."""
    if isinstance(shards, (str, bytes, os.PathLike)) or not hasattr(shards, "__iter__"):
        raise _core.InputError(f"shards: a list of shard folders (got {shards!r})")
    folders = [_text("shards", "text", os.fspath(shard), False) for shard in shards]
    folder = _text("out", "text", os.fspath(out), False)
    _core.run_merge(folders, folder, f"srlif.merge({folders!r}, out={folder!r})")
    return open_folder(folder, tallies=tallies)


def trace(*, out=None, **options):
    """The membrane potential and input of one neuron over time, as an xarray.Dataset
    (``out=FILE`` also writes the CSV of ``srlif trace``)."""
    options = dict(options)
    if out is not None:
        options["out"] = out
    pairs = _OPTIONS["trace"].values(options)
    return trace_dataset(_core.run_trace(pairs), dict(pairs))


def theory(*, out=None, **options):
    """The Siegert rate and the free membrane's mean and sd over (sigma, bias), A = 0, as
    an xarray.Dataset (``out=FILE`` also writes the CSV of ``srlif theory``); with
    ``response="linear"`` also the linear response to the signal, with ``response="periodic"``
    the periodic state under it and the rate over one period (``periodic_rate_hz`` over
    ``phase_rad``; ``rate_curve=FILE`` also writes its CSV). docs/theory.md."""
    options = dict(options)
    if out is not None:
        options["out"] = out
    return theory_dataset(_core.run_theory(_OPTIONS["theory"].values(options)))


def reproduce(*, out, progress=True, stop=None, **options):
    """Runs the reference study (H1-H5) into ``out``: tables, report.md, run.json and,
    unless ``no_figures=True``, the figures. Returns a dict with the folder and the run's
    neuron-steps, wall time and device."""
    pairs = _with_threads(_OPTIONS["reproduce"].values(dict(options, out=out)))
    script = pathlib.Path(__file__).with_name("plot_report.py")
    control = _core.Control()
    report = _wait(
        lambda: _core.run_reproduce(
            pairs, _call_text("reproduce", pairs), sys.executable, str(script) if script.exists() else "", control
        ),
        control,
        progress,
        stop,
        "reproduce",
    )
    if report["figure_error"]:
        raise RuntimeError(f"figures not drawn: {report['figure_error']} (tables and report.md are written)")
    return dict(report, out=pathlib.Path(os.fspath(out)))


def info():
    """Version, build options, backends and devices (what ``srlif info`` prints)."""
    return _core.info()


_OPTIONS = {command: _Options(command) for command in _COMMANDS}
sweep.__signature__ = _OPTIONS["sweep"].signature({"progress": True, "stop": None, "tallies": False})
population.__signature__ = _OPTIONS["population"].signature({"progress": True, "stop": None})
trace.__signature__ = _OPTIONS["trace"].signature({})
theory.__signature__ = _OPTIONS["theory"].signature({})
reproduce.__signature__ = _OPTIONS["reproduce"].signature({"progress": True, "stop": None})
