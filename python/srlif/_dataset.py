"""Output folders of srlif as xarray Datasets: `srlif.open`.

Both kinds of folder are read by the C++ library (include/srlif/io/output_reader.hpp): a
sweep's from its tallies.csv (the exact integer tallies; the measures are the very numbers of
points.csv, and sigma_opt comes for every objective), a population's from its CSV tables, each
column typed and with its unit as the writer declares it. Every function that simulates returns
what `open` gives for the folder it wrote, so the two cannot differ.
"""

import json
import os
import pathlib

import numpy as np
import xarray as xr

from . import _core

# The objectives and the measure columns (unit, whole number or not) are the library's
# (include/srlif/measures/metrics.hpp, include/srlif/io/point_tables.hpp); the axes' units its
# one list of them (include/srlif/planning/axes.hpp).
OBJECTIVES = tuple(_core.objectives())
_METRIC_COLUMNS = _core.metric_columns()

# Units of every variable and coordinate (README's column table).
UNITS = {axis["name"]: axis["unit"] for axis in _core.axes()}
UNITS.update({column["name"]: column["unit"] for column in _METRIC_COLUMNS if column["unit"]})
UNITS.update({
    "sigma_opt": "pA*sqrt(ms)",
    "sigma_opt_refined": "pA*sqrt(ms)",
    "time_ms": "ms",
    "v_mv": "mV",
    "input_pa": "pA",
})


def _unit_attrs(unit):
    return {"units": unit} if unit else {}


def _attrs(name):
    return _unit_attrs(UNITS.get(name))


def _flat(record, prefix=""):
    """run.json's scalars as flat attributes (netCDF keeps them); the axes are coordinates."""
    flat = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}_"))
        elif isinstance(value, list):
            if name != "axes" and not name.startswith("axes_"):
                flat[name] = "\n".join(str(item) for item in value)
        elif isinstance(value, bool):
            flat[name] = int(value)
        elif value is not None:
            flat[name] = value
    return flat


# Files read back follow the library's rule (bounded_file.hpp, through _core.read_file): a regular
# file, not a device, pipe or directory (also behind a symlink), no larger than it can legally be.
_RUN_JSON_BYTES = 256 << 20  # a command line and, for a merge, its shard folders


def _run_record(folder):
    text = _core.read_file(str(folder / "run.json"), _RUN_JSON_BYTES).decode("utf-8")
    return text, json.loads(text)


class _Grid:
    """The grid's shape: its dimensions in grid order (the files' axis columns: sigma, amplitude,
    bias, frequency and each swept neuron parameter); points are numbered with the first fastest."""

    def __init__(self, axes):
        self.dims = tuple(axes)
        self.axes = {name: np.asarray(axes[name], dtype=float) for name in self.dims}
        self.sizes = tuple(len(self.axes[name]) for name in self.dims)
        self.points = int(np.prod(self.sizes))

    def cube(self, flat, extra=()):
        """Values by grid point (and trailing `extra` dimensions) -> (*dims, ...)."""
        count = len(self.dims)
        array = np.asarray(flat).reshape(tuple(reversed(self.sizes)) + tuple(extra))
        return array.transpose(tuple(reversed(range(count))) + tuple(range(count, count + len(extra))))

    def slices(self, flat):
        """Values by sigma slice -> dims[1:]."""
        count = len(self.dims) - 1
        return np.asarray(flat).reshape(tuple(reversed(self.sizes[1:]))).transpose(tuple(reversed(range(count))))

    def coords(self):
        return {name: (name, self.axes[name], _attrs(name)) for name in self.dims}


def _sweep(folder, tallies):
    raw = _core.read_sweep(str(folder))
    grid = _Grid(raw["axes"])
    variables = {}
    integer_columns = set(raw["integer_columns"])
    for name, values in raw["columns"].items():
        values = np.asarray(values)
        if name in integer_columns:
            values = np.where(np.isnan(values), -1, values).astype(np.int64)
        variables[name] = (grid.dims, grid.cube(values), _attrs(name))
    optima = raw["optima"]
    slice_dims = ("objective",) + grid.dims[1:]
    for key, name in (
        ("sigma_opt", "sigma_opt"),
        ("sigma_opt_refined", "sigma_opt_refined"),
        ("point", "optimum_point"),
        ("eligible_points", "eligible_points"),
    ):
        stacked = np.stack([grid.slices(optima[objective][key]) for objective in OBJECTIVES])
        variables[name] = (slice_dims, stacked, _attrs(name))
    if tallies:
        for name, values in raw["tallies"].items():
            variables[f"tally_{name}"] = (grid.dims, grid.cube(values))
    variables["computed"] = (grid.dims, grid.cube(np.asarray(raw["computed"]).astype(bool)))
    run_json, record = _run_record(folder)
    attrs = _flat(record)
    attrs.update(
        kind="sweep",
        objective=raw["objective"],
        shard=raw["shard"],
        config_text=raw["config_text"],
        run_json=run_json,
    )
    coords = grid.coords()
    coords["objective"] = ("objective", np.array(OBJECTIVES))
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def _population(folder):
    raw = _core.read_population(str(folder))
    run_json = raw["run_json"]
    record = json.loads(run_json)
    grid = _Grid(raw["axes"])
    variables = {}
    summary = raw["summary"]
    order = np.argsort(summary["point"], kind="stable")
    variables["point"] = (grid.dims, grid.cube(summary["point"][order]))
    for name, (values, unit) in summary["columns"].items():
        variables[name] = (grid.dims, grid.cube(values[order]), _unit_attrs(unit))

    coords = grid.coords()
    for table, dim, count_name, value_name, value_column, start_column, end_column in (
        ("phase_histogram", "phase_bin", "phase_histogram", "phase_density_per_rad", "density_per_rad",
         "phase_start_rad", "phase_end_rad"),
        ("psth", "time_bin", "psth", "psth_rate_hz", "rate_hz", "time_start_ms", "time_end_ms"),
    ):
        # One row per (point, bin): spikes and a derived value, with the bins' edges.
        rows = raw[table]
        columns = rows["columns"]
        bins = len(columns["bin"][0]) // max(grid.points, 1)
        order = np.lexsort((columns["bin"][0], rows["point"]))
        variables[count_name] = (grid.dims + (dim,), grid.cube(columns["spikes"][0][order], (bins,)))
        values, unit = columns[value_column]
        variables[value_name] = (grid.dims + (dim,), grid.cube(values[order], (bins,)), _unit_attrs(unit))
        for column in (start_column, end_column):
            values, unit = columns[column]
            coords[column] = (dim, values[order][:bins], _unit_attrs(unit))

    # The raster: one entry per spike of the first `raster_neurons` neurons of each point.
    if "raster" in raw:
        raster = raw["raster"]
        times, unit = raster["columns"]["spike_time_ms"]
        dt = record["time"]["dt_ms"]
        variables["raster_point"] = ("spike", raster["point"])
        variables["raster_neuron"] = ("spike", raster["columns"]["neuron"][0])
        variables["raster_spike_time_ms"] = ("spike", times, _unit_attrs(unit))
        # The sample index k of the spike time t_k = k dt (the spike of step k - 1).
        variables["raster_step"] = ("spike", np.rint(times / dt).astype(np.int64))
    attrs = _flat(record)
    attrs.update(kind="population", run_json=run_json)
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def open(path, tallies=False):  # noqa: A001 - srlif.open
    """Reads an output folder of srlif (a sweep, merged shards, one shard or a population)
    into the Dataset that the call writing it returns. ``tallies=True`` adds a sweep's exact
    integer tallies (``tally_*``)."""
    folder = pathlib.Path(os.fspath(path))
    if _core.output_kind(str(folder)) == "sweep":
        return _sweep(folder, tallies)
    return _population(folder)


def trace_dataset(raw, given):
    time = np.asarray(raw["time_ms"])
    variables = {
        name: ("time_ms", np.asarray(raw[name]) if name != "spike" else np.asarray(raw[name]).astype(bool),
               _attrs(name))
        for name in ("v_mv", "input_pa", "spike")
    }
    attrs = {"kind": "trace"}
    attrs.update({key.replace("-", "_"): value for key, value in given.items()})
    return xr.Dataset(variables, coords={"time_ms": ("time_ms", time, _attrs("time_ms"))}, attrs=attrs)


def theory_dataset(raw):
    # The dimensions: sigma, bias, (with the linear response) amplitude and frequency, and each
    # swept neuron parameter; the variables are the library's columns, with their units.
    grid = _Grid(raw["axes"])
    variables = {}
    for column in raw["columns"]:
        values = column["values"]
        if column["kind"] == "text":
            values = np.asarray(values, dtype=object)
        attrs = dict(_unit_attrs(column["unit"]), long_name=column["description"])
        cube = grid.cube(values)
        variables[column["name"]] = (grid.dims, cube.astype(bool) if column["kind"] == "flag" else cube, attrs)
    coords = grid.coords()
    # Each sigma slice's sigma_opt by the library's rule, for the objectives the response gives.
    objectives = list(raw["optima"])
    if objectives:
        coords["objective"] = ("objective", np.array(objectives))
        slice_dims = ("objective",) + grid.dims[1:]
        for key, name, long_name in (
            ("sigma_opt", "sigma_opt", "the sigma of the slice's largest value"),
            ("sigma_opt_refined", "sigma_opt_refined", "the vertex of the parabola through it and its neighbours"),
            ("value", "sigma_opt_value", "the objective's value at sigma_opt"),
        ):
            stacked = np.stack([grid.slices(raw["optima"][objective][key]) for objective in objectives])
            variables[name] = (slice_dims, stacked, dict(_attrs(name), long_name=long_name))
    if "rate_curve_hz" in raw:  # the periodic state's rate over one period
        samples = int(raw["rate_curve_samples"])
        phase = 2 * np.pi * np.arange(samples) / samples
        coords["phase_rad"] = ("phase_rad", phase, {"units": "rad"})
        variables["periodic_rate_hz"] = (grid.dims + ("phase_rad",), grid.cube(raw["rate_curve_hz"], (samples,)),
                                         {"units": "Hz", "long_name": "the periodic state's rate over one period"})
    return xr.Dataset(variables, coords=coords, attrs={"kind": "theory"})
