"""population, trace, theory, reproduce and info against the command line; bad input; the
module's exported symbols; the GPU (skipped without one)."""

import csv
import json
import pathlib
import subprocess
import time

import numpy as np
import pytest
import xarray as xr

import srlif


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_population_readouts_equal_the_command_lines_files(tmp_path, run_cli):
    arguments = ["--sigma", "0,12.5,60", "--neurons", "40", "--duration", "3000", "--raster", "5"]
    run_cli("population", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.population(sigma=[0, 12.5, 60], neurons=40, duration=3000, raster=5, out=tmp_path / "py",
                          progress=False)
    for name in ("population.csv", "phase_histogram.csv", "psth.csv", "raster.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    xr.testing.assert_identical(ds, srlif.open(tmp_path / "py"))
    assert ds.phase_histogram.dims == ("sigma", "amplitude", "bias", "frequency", "phase_bin")
    assert ds.sizes["phase_bin"] == 30 and ds.sizes["time_bin"] == 300
    raster = read_rows(tmp_path / "cli" / "raster.csv")
    assert ds.sizes["spike"] == len(raster) > 0
    assert [float(row["spike_time_ms"]) for row in raster] == list(ds.raster_spike_time_ms.values)
    np.testing.assert_allclose(ds.raster_step.values * 0.1, ds.raster_spike_time_ms.values, rtol=0, atol=1e-9)
    summary = read_rows(tmp_path / "cli" / "population.csv")
    margins = [float(row["subthreshold_margin_mv"]) for row in summary]
    np.testing.assert_array_equal(ds.subthreshold_margin_mv.values.ravel(), margins)
    assert int(ds.psth.sum()) == int(ds.total_spikes.sum())


def test_a_warm_up_is_the_command_lines_and_its_window_starts_the_psth(tmp_path, run_cli):
    arguments = ["--sigma", "20,60", "--neurons", "40", "--duration", "500", "--warmup", "250", "--raster", "3",
                 "--scheme", "exact"]
    run_cli("population", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.population(sigma=[20, 60], neurons=40, duration=500, warmup=250, raster=3, scheme="exact",
                          out=tmp_path / "py", progress=False)
    for name in ("population.csv", "phase_histogram.csv", "psth.csv", "raster.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    record = json.loads(ds.attrs["run_json"])
    assert record["time"]["warmup_ms"] == 250 and record["time"]["warmup_steps"] == 2500
    # The PSTH's bins run over the measured window, 250-750 ms; every spike counted is in it.
    assert float(ds.time_start_ms[0]) == 250.0 and float(ds.time_end_ms[-1]) == 750.0
    assert int(ds.psth.sum()) == int(ds.total_spikes.sum()) > 0
    assert float(ds.raster_spike_time_ms.min()) > 250.0
    # A sweep with one: the bytes of the command line's.
    run_cli("sweep", "--sigma", "20,60", "--neurons", "40", "--duration", "500", "--warmup", "250",
            "--out", tmp_path / "cli_sweep", "--quiet")
    srlif.sweep(sigma=[20, 60], neurons=40, duration=500, warmup=250, out=tmp_path / "py_sweep", progress=False)
    for name in ("points.csv", "tallies.csv"):
        assert (tmp_path / "py_sweep" / name).read_bytes() == (tmp_path / "cli_sweep" / name).read_bytes(), name


def test_a_population_over_a_neuron_axis_has_it_as_a_dimension(tmp_path, run_cli):
    arguments = ["--sigma", "0,30", "--tau-m", "6,12", "--bias-spread", "2", "--neurons", "24", "--duration",
                 "1000", "--raster", "3"]
    run_cli("population", *arguments, "--out", tmp_path / "cli", "--quiet")
    ds = srlif.population(sigma=[0, 30], tau_m=[6, 12], bias_spread=2, neurons=24, duration=1000, raster=3,
                          out=tmp_path / "py", progress=False)
    for name in ("population.csv", "phase_histogram.csv", "psth.csv", "raster.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    xr.testing.assert_identical(ds, srlif.open(tmp_path / "py"))
    assert ds.psth.dims == ("sigma", "amplitude", "bias", "frequency", "tau_m", "time_bin")
    header = (tmp_path / "cli" / "psth.csv").read_text().splitlines()[0]
    assert header.startswith("point,sigma,amplitude,bias,frequency,tau_m,bin,")
    assert int(ds.psth.sum()) == int(ds.total_spikes.sum())


def test_trace_and_theory_are_the_command_lines_numbers(tmp_path, run_cli):
    run_cli("trace", "--sigma", "20", "--duration", "200", "--neuron", "3", "--out", tmp_path / "trace.csv")
    ds = srlif.trace(sigma=20, duration=200, neuron=3, out=tmp_path / "py_trace.csv")
    assert (tmp_path / "py_trace.csv").read_bytes() == (tmp_path / "trace.csv").read_bytes()
    rows = read_rows(tmp_path / "trace.csv")
    assert ds.sizes["time_ms"] == len(rows) == 2000
    assert [float(row["v_mv"]) for row in rows] == [float(v) for v in ds.v_mv.values]
    assert [row["spike"] == "1" for row in rows] == list(ds.spike.values)

    cli = run_cli("theory", "--sigma", "10:60:6", "--bias", "170,178").stdout
    theory = srlif.theory(sigma="10:60:6", bias=[170, 178])
    for row in csv.DictReader(cli.splitlines()):
        point = theory.sel(sigma=float(row["sigma"]), bias=float(row["bias"]))
        assert point.rate_hz.item() == float(row["rate_hz"])
        assert point.std_v_mv.item() == float(row["std_v_mv"])


def test_reproduce_writes_the_study(tmp_path):
    report = srlif.reproduce(out=tmp_path, trials=4, duration=1000, no_figures=True, progress=False)
    assert report["neuron_steps"] > 0 and report["out"] == tmp_path
    assert (tmp_path / "report.md").is_file() and (tmp_path / "h1_curve.csv").is_file()
    assert not list(tmp_path.glob("*.png"))


def test_info_names_the_version_and_backends():
    info = srlif.info()
    assert info["version"] == srlif.__version__
    names = [backend["name"] for backend in info["backends"]]
    assert names == ["cpu", "cuda", "cuda-sim"]
    cpu = info["backends"][0]
    assert cpu["built"] and cpu["why_unusable"] == ""  # the CPU always runs
    assert info["auto_backend"] in names
    usable = [backend["name"] for backend in info["backends"] if backend["built"] and not backend["why_unusable"]]
    assert info["auto_backend"] in usable


BAD = [
    ("sweep", dict(sigma=-1), "sigma"),
    ("sweep", dict(sigma=np.zeros((2, 2))), "sigma"),
    ("sweep", dict(sigma="0:60"), "sigma"),
    ("sweep", dict(amplitude=["a", "b"]), "amplitude"),
    ("sweep", dict(bias=float("nan")), "bias"),
    ("sweep", dict(frequency=[]), "frequency"),
    ("sweep", dict(v_th="fifty"), "v_th"),
    ("sweep", dict(v_reset=-50), "v_reset"),
    ("sweep", dict(v_reset=[-70, -50]), "v_reset"),  # a point with V_reset above V_th
    ("sweep", dict(tau_m=np.zeros((2, 2))), "tau_m"),
    ("theory", dict(t_ref=[1, -1]), "t_ref"),
    ("sweep", dict(tau_m=float("inf")), "tau_m"),
    ("sweep", dict(dt=0), "dt"),
    ("sweep", dict(duration=-5), "duration"),
    ("sweep", dict(neurons=1.5), "neurons"),
    ("sweep", dict(neurons=True), "neurons"),
    ("sweep", dict(neurons=0), "neurons"),
    ("sweep", dict(seed=-1), "seed"),
    ("sweep", dict(min_spikes=-1), "min_spikes"),
    ("sweep", dict(decorrelate=1), "decorrelate"),
    ("sweep", dict(scheme="rk4"), "scheme"),
    ("sweep", dict(objective="best"), "objective"),
    ("sweep", dict(backend="tpu"), "backend"),
    ("sweep", dict(chunk_steps=6), "chunk_steps"),
    ("sweep", dict(shard="3/2"), "shard"),
    ("sweep", dict(checkpoint_seconds=-1), "checkpoint_seconds"),
    ("sweep", dict(resume=True, out=None), "resume"),
    ("sweep", dict(psth=0.01), "psth"),
    ("population", dict(raster=-1), "raster"),
    ("population", dict(phase_bins=0), "phase_bins"),
    ("sweep", dict(sigma=[10, 20, 10]), "sigma"),
    ("sweep", dict(shard=""), "shard"),
    ("sweep", dict(v_th=float("nan")), "v_th"),
    ("trace", dict(sigma=[1, 2]), "sigma"),
    ("trace", dict(duration=1e10), "duration"),
    ("theory", dict(bias=float("inf")), "bias"),
    ("reproduce", dict(trials=-1), "trials"),
]


@pytest.mark.parametrize("command,arguments,keyword", BAD, ids=[f"{c}-{k}-{i}" for i, (c, _, k) in enumerate(BAD)])
def test_bad_input_names_the_keyword_before_anything_is_written(tmp_path, command, arguments, keyword):
    out = tmp_path / "out"
    call = getattr(srlif, command)
    extra = {"progress": False} if command in ("sweep", "population", "reproduce") else {}
    if command in ("sweep", "population", "reproduce") and "out" not in arguments:
        extra["out"] = out
    with pytest.raises(srlif.InputError) as raised:
        call(**arguments, **extra)
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert message.startswith(keyword) or f" {keyword}" in message, message
    assert "--" not in message, message
    assert not out.exists()


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="sigmaa"):
        srlif.sweep(sigmaa=1)


def test_trace_offers_no_flag_it_would_ignore():
    for keyword in ("neurons", "threads", "min_spikes", "backend"):
        with pytest.raises(TypeError, match=keyword):
            srlif.trace(**{keyword: 2 if keyword != "backend" else "cpu"})


def test_a_folder_in_use_by_a_command_line_run_is_refused_naming_its_pid(tmp_path, srlif_binary):
    out = tmp_path / "busy"
    running = subprocess.Popen(
        [str(srlif_binary), "sweep", "--neurons", "4000", "--duration", "60000", "--sigma", "0,10",
         "--threads", "1", "--quiet", "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(3000):
            if (out / ".srlif.lock").exists() and (out / ".srlif.lock").read_text().strip():
                break
            time.sleep(0.01)
        with pytest.raises(srlif.InputError, match=rf"in use by another srlif run \(pid {running.pid}\)"):
            srlif.sweep(sigma=10, neurons=8, duration=200, out=out, progress=False)
    finally:
        running.terminate()
        assert running.wait() == 143


def test_resume_with_nothing_to_resume_warns_and_starts(tmp_path):
    with pytest.warns(UserWarning, match="held no checkpoint and no finished run"):
        ds = srlif.sweep(sigma=[10, 20], neurons=8, duration=200, out=tmp_path / "fresh", resume=True,
                         progress=False)
    assert ds.sizes["sigma"] == 2


def test_open_refuses_files_that_are_not_regular_files(tmp_path):
    out = tmp_path / "run"
    srlif.sweep(sigma=[10, 20], neurons=8, duration=200, out=out, progress=False)
    (out / "run.json").unlink()
    (out / "run.json").symlink_to("/dev/zero")
    with pytest.raises(srlif.InputError, match="run.json' is a character device, not a file"):
        srlif.open(out)
    (out / "tallies.csv").unlink()
    (out / "tallies.csv").mkdir()
    with pytest.raises(srlif.InputError, match="is a directory, not a file"):
        srlif.open(out)


def test_open_refuses_a_damaged_population_table_with_the_librarys_rule(tmp_path):
    out = tmp_path / "population"
    srlif.population(sigma=[10, 30], neurons=8, duration=300, raster=2, out=out, progress=False)
    psth = out / "psth.csv"
    lines = psth.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace(",0,", ",0.5,", 1)  # the first row's bin is no whole number
    psth.write_text("".join(lines))
    with pytest.raises(srlif.InputError, match=r"psth\.csv: malformed: row 1, column 'bin': '0\.5' is not a whole"):
        srlif.open(out)


def test_open_refuses_a_folder_without_output(tmp_path):
    with pytest.raises(srlif.InputError, match="path"):
        srlif.open(tmp_path)


def test_the_module_exports_only_its_entry_point():
    module = pathlib.Path(srlif._core.__file__)
    symbols = subprocess.run(["nm", "-D", "--defined-only", str(module)], capture_output=True, text=True,
                             check=True).stdout.split("\n")
    names = [line.split()[-1] for line in symbols if line.strip()]
    assert names == ["PyInit__core"]


def has_gpu():
    return bool(srlif.info()["devices"])


def gpu_backend():
    """The CUDA backend on a usable GPU, else cuda-sim: the same kernels through the SIMT emulator."""
    return "cuda" if has_gpu() else "cuda-sim"


def backend_built(name):
    return any(backend["name"] == name and backend["built"] for backend in srlif.info()["backends"])


@pytest.mark.gpu
@pytest.mark.skipif(not backend_built(gpu_backend()), reason="neither a usable GPU nor the SIMT emulator")
def test_gpu_sweep_and_population_equal_the_cpus(tmp_path):
    arguments = dict(sigma="0:60:13", amplitude=[10, 20], neurons=100, duration=500, progress=False)
    srlif.sweep(backend="cpu", out=tmp_path / "cpu", **arguments)
    srlif.sweep(backend=gpu_backend(), out=tmp_path / "gpu", **arguments)
    for name in ("points.csv", "optimum.csv", "tallies.csv"):
        assert (tmp_path / "cpu" / name).read_bytes() == (tmp_path / "gpu" / name).read_bytes()
    readouts = dict(sigma=[12.5, 40], neurons=40, duration=600, raster=10, scheme="exact", progress=False)
    on_cpu = srlif.population(backend="cpu", **readouts)
    on_gpu = srlif.population(backend=gpu_backend(), **readouts)
    # The same data; the attributes hold the run's record (backend, device, timing), not results.
    xr.testing.assert_identical(on_gpu.drop_attrs(), on_cpu.drop_attrs())
    assert on_gpu.attrs["execution_backend"] == gpu_backend()


def test_cuda_sim_is_never_autos_choice():
    info = srlif.info()
    sim = [backend for backend in info["backends"] if backend["name"] == "cuda-sim"]
    assert len(sim) == 1 and "SIMT emulator" in sim[0]["summary"]
    assert info["auto_backend"] != "cuda-sim"
