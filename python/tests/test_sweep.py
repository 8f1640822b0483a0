"""srlif.sweep and srlif.open: shapes, coordinates, attributes, the CLI's bytes, threads."""

import csv
import inspect
import json
import math

import numpy as np
import pytest
import xarray as xr

import srlif

SMALL = dict(sigma="0:60:7", amplitude=[10, 20], bias=178, neurons=60, duration=2000, progress=False)
FILES = ("points.csv", "optimum.csv", "tallies.csv")


def test_dataset_has_one_dimension_per_axis_with_the_axis_values():
    ds = srlif.sweep(**SMALL)
    assert dict(ds.sizes) == {"sigma": 7, "amplitude": 2, "bias": 1, "frequency": 1, "objective": 3}
    np.testing.assert_array_equal(ds.sigma.values, np.linspace(0, 60, 7))
    np.testing.assert_array_equal(ds.amplitude.values, [10.0, 20.0])
    assert ds.mean_rate_hz.dims == ("sigma", "amplitude", "bias", "frequency")
    assert ds.sigma_opt.dims == ("objective", "amplitude", "bias", "frequency")
    assert list(ds.objective.values) == ["vs-valid", "snr", "rayleigh-rate"]
    assert ds.neurons.dtype == np.int64 and int(ds.neurons.min()) == 60
    assert ds.mean_rate_hz.attrs["units"] == "Hz"
    # The grid index runs sigma fastest, as in points.csv.
    assert int(ds.point.sel(sigma=10.0, amplitude=20.0).item()) == 7 + 1
    assert ds.attrs["seed"] == 1 and ds.attrs["neurons_per_point"] == 60
    assert json.loads(ds.attrs["run_json"])["grid_points"] == 14


def test_every_points_csv_column_is_a_variable(tmp_path):
    ds = srlif.sweep(out=tmp_path, **SMALL)
    header = (tmp_path / "points.csv").read_text().splitlines()[0].split(",")
    for column in header:
        assert column in ds.variables, column


def test_sweep_writes_the_bytes_of_the_command_line(tmp_path, run_cli):
    arguments = ["--sigma", "0:60:7", "--amplitude", "10,20", "--neurons", "60", "--duration", "2000",
                 "--scheme", "exact", "--spectrum", "--seed", "7"]
    run_cli("sweep", *arguments, "--out", tmp_path / "cli", "--quiet")
    srlif.sweep(sigma="0:60:7", amplitude=[10, 20], neurons=60, duration=2000, scheme="exact", spectrum=True,
                seed=7, out=tmp_path / "python", progress=False)
    for name in FILES:
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    record = json.loads((tmp_path / "python" / "run.json").read_text())
    assert record["command_line"].startswith("srlif.sweep(")


def test_returned_dataset_equals_open_of_its_folder_and_nan_where_the_csv_has_nan(tmp_path):
    ds = srlif.sweep(out=tmp_path, **SMALL)
    opened = srlif.open(tmp_path)
    xr.testing.assert_identical(ds, opened)
    rows = (tmp_path / "points.csv").read_text().splitlines()
    header = rows[0].split(",")
    for row in rows[1:]:
        fields = dict(zip(header, row.split(",")))
        point = ds.where(ds.point == int(fields["point"]), drop=True)
        for name in ("mean_vector_strength", "mean_rate_hz", "snr_db", "rayleigh_p"):
            value = point[name].values.item()
            if fields[name] == "nan":
                assert math.isnan(value)
            else:
                assert value == float(fields[name])


def test_tallies_on_request_are_the_exact_integers_of_tallies_csv(tmp_path):
    ds = srlif.sweep(out=tmp_path, tallies=True, **SMALL)
    assert "tally_spikes" not in srlif.sweep(**SMALL)
    lines = [line for line in (tmp_path / "tallies.csv").read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split(",")
    flat = {name: ds[f"tally_{name}"].transpose("frequency", "bias", "amplitude", "sigma").values.ravel()
            for name in header if name != "point"}
    for line in lines[1:]:
        fields = dict(zip(header, line.split(",")))
        point = int(fields["point"])
        for name in flat:
            assert int(flat[name][point]) == int(fields[name]), name
    assert ds.tally_spikes.dtype == np.uint64 and ds.tally_cos_sum.dtype == np.int64


def test_sigma_opt_matches_optimum_csv(tmp_path):
    ds = srlif.sweep(out=tmp_path, **SMALL)
    rows = (tmp_path / "optimum.csv").read_text().splitlines()
    header = rows[0].split(",")
    for row in rows[1:]:
        fields = dict(zip(header, row.split(",")))
        here = ds.sel(objective="vs-valid", amplitude=float(fields["amplitude"]))
        value = here.sigma_opt.values.item()
        assert (math.isnan(value) and fields["sigma_opt"] == "nan") or value == float(fields["sigma_opt"])
        assert here.sigma_opt_refined.values.item() == float(fields["sigma_opt_refined"]) or fields[
            "sigma_opt_refined"] == "nan"


def test_results_do_not_depend_on_threads():
    one = srlif.sweep(threads=1, **SMALL)
    two = srlif.sweep(threads=2, **SMALL)
    for name in ("mean_rate_hz", "mean_vector_strength", "total_spikes", "sigma_opt_refined"):
        np.testing.assert_array_equal(one[name].values, two[name].values)


def test_threadpoolctl_limits_the_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1):
        ds = srlif.sweep(**SMALL)
    assert ds.attrs["execution_device"] == "CPU, 1 thread"


def test_axes_take_arrays_lists_scalars_and_range_strings():
    base = dict(SMALL, sigma=None)
    as_string = srlif.sweep(**dict(base, sigma="0:60:7"))
    as_array = srlif.sweep(**dict(base, sigma=np.linspace(0, 60, 7)))
    as_list = srlif.sweep(**dict(base, sigma=[0, 10, 20, 30, 40, 50, 60]))
    xr.testing.assert_equal(as_string.drop_attrs(), as_array.drop_attrs())
    xr.testing.assert_equal(as_string.drop_attrs(), as_list.drop_attrs())
    one = srlif.sweep(**dict(base, sigma=np.float32(12.5)))
    assert one.sizes["sigma"] == 1 and one.sigma.item() == 12.5


def test_keywords_have_the_command_lines_defaults():
    sweep = inspect.signature(srlif.sweep).parameters
    assert sweep["neurons"].default == 1000 and sweep["sigma"].default == "0:60:25"
    assert sweep["v_th"].default == -55.0 and sweep["scheme"].default == "euler"
    assert sweep["checkpoint_seconds"].default == 10.0 and sweep["resume"].default is False
    population = inspect.signature(srlif.population).parameters
    assert population["neurons"].default == 50 and population["sigma"].default == "0,12.5,60"
    assert inspect.signature(srlif.trace).parameters["duration"].default == 1000.0


def test_attributes_survive_netcdf(tmp_path):
    pytest.importorskip("h5netcdf")
    ds = srlif.sweep(tallies=True, **SMALL)
    ds.to_netcdf(tmp_path / "sweep.nc", engine="h5netcdf")
    back = xr.open_dataset(tmp_path / "sweep.nc", engine="h5netcdf").load()
    assert back.attrs["run_json"] == ds.attrs["run_json"]
    assert back.attrs["seed"] == ds.attrs["seed"]
    np.testing.assert_array_equal(back.tally_spikes.values, ds.tally_spikes.values)
    np.testing.assert_array_equal(back.mean_vector_strength.values, ds.mean_vector_strength.values)


def test_shards_and_merged_shards_open(tmp_path, run_cli):
    common = ["--sigma", "0:60:7", "--amplitude", "10,20", "--neurons", "60", "--duration", "2000", "--quiet"]
    for shard in (1, 2):
        run_cli("sweep", *common, "--shard", f"{shard}/2", "--out", tmp_path / f"part{shard}")
    run_cli("merge", tmp_path / "part1", tmp_path / "part2", "--out", tmp_path / "merged", "--quiet")
    whole = srlif.sweep(**SMALL)
    merged = srlif.open(tmp_path / "merged")
    for name in ("mean_rate_hz", "mean_vector_strength", "sigma_opt", "total_spikes"):
        np.testing.assert_array_equal(merged[name].values, whole[name].values)
    part = srlif.open(tmp_path / "part2")
    assert part.attrs["shard"] == "2/2"
    assert int(part.computed.sum()) == 7 and int(part.point.min()) == -1
    computed = part.computed.values
    np.testing.assert_array_equal(part.mean_rate_hz.values[computed], whole.mean_rate_hz.values[computed])


def test_merge_joins_python_shards_into_the_unsplit_runs_bytes(tmp_path, run_cli):
    shards = [tmp_path / f"part{shard}" for shard in (1, 2, 3)]
    for index, folder in enumerate(shards, start=1):
        srlif.sweep(shard=f"{index}/3", out=folder, **SMALL)
    merged = srlif.merge(list(reversed(shards)), out=tmp_path / "merged")  # in any order
    srlif.sweep(out=tmp_path / "whole", **SMALL)
    run_cli("merge", *shards, "--out", tmp_path / "cli", "--quiet")
    for name in FILES:
        whole = (tmp_path / "whole" / name).read_bytes()
        assert (tmp_path / "merged" / name).read_bytes() == whole, name
        assert (tmp_path / "cli" / name).read_bytes() == whole, name
    assert json.loads((tmp_path / "merged" / "run.json").read_text())["merged_from"] == [
        str(folder) for folder in reversed(shards)
    ]
    np.testing.assert_array_equal(merged.mean_rate_hz.values, srlif.open(tmp_path / "whole").mean_rate_hz.values)


def test_merge_refuses_what_the_command_line_refuses(tmp_path):
    shards = [tmp_path / f"part{shard}" for shard in (1, 2)]
    for index, folder in enumerate(shards, start=1):
        srlif.sweep(shard=f"{index}/2", out=folder, **SMALL)
    with pytest.raises(srlif.InputError, match="shard 2/2 is missing"):
        srlif.merge(shards[:1], out=tmp_path / "missing")
    with pytest.raises(srlif.InputError, match="repeats shard 1/2"):
        srlif.merge([shards[0], shards[0], shards[1]], out=tmp_path / "repeated")
    with pytest.raises(srlif.InputError, match="shards: a list"):
        srlif.merge(str(shards[0]), out=tmp_path / "one")
    for name in ("missing", "repeated", "one"):
        assert not (tmp_path / name).exists(), name


def test_a_neuron_parameter_is_a_dimension_with_the_command_lines_bytes(tmp_path, run_cli):
    arguments = ["--sigma", "0:60:4", "--tau-m", "6,12", "--t-ref", "1,2", "--neurons", "40", "--duration", "1000"]
    run_cli("sweep", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.sweep(sigma="0:60:4", tau_m=[6, 12], t_ref=np.array([1.0, 2.0]), neurons=40, duration=1000,
                     out=tmp_path / "python", progress=False)
    for name in FILES:
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    dims = ("sigma", "amplitude", "bias", "frequency", "tau_m", "t_ref")
    assert ds.mean_rate_hz.dims == dims
    assert ds.sigma_opt.dims == ("objective",) + dims[1:]
    assert ds.tau_m.attrs["units"] == "ms" and ds.t_ref.attrs["units"] == "ms"
    np.testing.assert_array_equal(ds.tau_m.values, [6.0, 12.0])
    # sigma fastest, then the neuron axes in the library's order: point = 1 + 4 * 1 + 8 * 0.
    assert int(ds.point.sel(sigma=20.0, tau_m=12.0, t_ref=1.0).item()) == 5
    assert ds.attrs["neuron_v_th_mV"] == -55.0  # a constant stays an attribute
    xr.testing.assert_identical(ds, srlif.open(tmp_path / "python"))

    theory = srlif.theory(sigma=[10, 20], bias=170, tau_m=[5, 20])
    assert theory.rate_hz.dims == ("sigma", "bias", "tau_m")
    alone = srlif.theory(sigma=[10, 20], bias=170, tau_m=20)
    assert theory.rate_hz.sel(tau_m=20.0, sigma=20.0).item() == alone.rate_hz.sel(sigma=20.0).item()


def test_a_heterogeneous_population_has_its_spread_as_a_dimension(tmp_path, run_cli):
    arguments = ["--sigma", "10,30", "--bias-spread", "0,4", "--v-th-spread", "0.5", "--spread", "uniform",
                 "--neurons", "40", "--duration", "800"]
    run_cli("sweep", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.sweep(sigma=[10, 30], bias_spread=[0, 4], v_th_spread=0.5, spread="uniform", neurons=40,
                     duration=800, out=tmp_path / "python", progress=False)
    for name in FILES:
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert ds.mean_rate_hz.dims == ("sigma", "amplitude", "bias", "frequency", "bias_spread")
    assert ds.bias_spread.attrs["units"] == "pA"
    assert ds.attrs["spread_shape"] == "uniform" and ds.attrs["spread_v_th_spread_mV"] == 0.5
    theory = srlif.theory(sigma=30, bias=172, bias_spread=[0, 6])
    assert theory.rate_hz.dims == ("sigma", "bias", "bias_spread")
    assert theory.rate_hz.sel(bias_spread=6.0).item() > theory.rate_hz.sel(bias_spread=0.0).item()


def test_coloured_noise_is_a_dimension_with_the_command_lines_bytes(tmp_path, run_cli):
    arguments = ["--sigma", "10,30", "--noise-tau", "0,2", "--scheme", "exact", "--neurons", "40", "--duration", "800"]
    run_cli("sweep", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.sweep(sigma=[10, 30], noise_tau=[0, 2], scheme="exact", neurons=40, duration=800,
                     out=tmp_path / "python", progress=False)
    for name in FILES:
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert ds.mean_rate_hz.dims == ("sigma", "amplitude", "bias", "frequency", "noise_tau")
    assert ds.noise_tau.attrs["units"] == "ms"
    # Filtered noise of the same sigma drives the neuron less.
    assert ds.mean_rate_hz.sel(sigma=30.0, noise_tau=2.0).item() < ds.mean_rate_hz.sel(sigma=30.0, noise_tau=0.0).item()
    white = srlif.sweep(sigma=[10, 30], scheme="exact", neurons=40, duration=800, progress=False)
    assert "noise_tau" not in white.dims and "neuron_noise_tau_ms" not in white.attrs

    cli = run_cli("theory", "--sigma", "20,40", "--noise-tau", "0,0.5,2").stdout
    theory = srlif.theory(sigma=[20, 40], noise_tau=[0, 0.5, 2])
    assert theory.rate_hz.dims == ("sigma", "bias", "noise_tau")
    for row in csv.DictReader(cli.splitlines()):
        point = theory.sel(sigma=float(row["sigma"]), noise_tau=float(row["noise_tau"])).squeeze()
        assert point.rate_hz.item() == float(row["rate_hz"])
        assert point.model.item() == row["model"]
        assert point.within_validity.item() == (row["within_validity"] == "1")
    assert theory.model.sel(noise_tau=0.0).values.ravel().tolist() == ["siegert", "siegert"]
    assert not theory.within_validity.sel(noise_tau=2.0).values.any()  # tau_s/tau_m = 0.2
    assert "model" not in srlif.theory(sigma=[20, 40])
