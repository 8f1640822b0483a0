"""srlif.theory: the stationary table as before, the linear response (--response linear) with the
library's columns and units, equal to the command line's numbers and to the exact formula of
Lindner & Schimansky-Geier (2001), evaluated here with mpmath (tests/reference)."""

import csv
import importlib.util
import math

import numpy as np
import pytest

import srlif
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("lindner", ROOT / "tests" / "reference" / "lindner_linear_response.py")
lindner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lindner)


def test_linear_response_dataset_is_the_command_lines_table(tmp_path, run_cli):
    run_cli("theory", "--response", "linear", "--sigma", "30,60", "--amplitude", "1,4", "--frequency", "5,20",
            "--out", tmp_path / "cli.csv")
    ds = srlif.theory(response="linear", sigma=[30, 60], amplitude=[1, 4], frequency=[5, 20], out=tmp_path / "py.csv")
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert ds.susceptibility_hz_per_pa.dims == ("sigma", "amplitude", "bias", "frequency")
    assert ds.susceptibility_hz_per_pa.attrs["units"] == "Hz/pA"
    assert ds.linear_snr_db.attrs["units"] == "dB"
    assert ds.susceptibility_phase_rad.attrs["units"] == "rad"
    assert "long_name" in ds.linear_vector_strength.attrs
    for row in csv.DictReader((tmp_path / "cli.csv").read_text().splitlines()):
        point = ds.sel(sigma=float(row["sigma"]), amplitude=float(row["amplitude"]), frequency=float(row["frequency"]))
        for name in ("rate_hz", "susceptibility_hz_per_pa", "susceptibility_phase_rad", "spontaneous_spectrum_hz",
                     "linear_vector_strength", "linear_snr_db"):
            assert point[name].item() == float(row[name]), name


@pytest.mark.parametrize("bias, sigma, frequency, t_ref", [(178, 40, 10, 2), (178, 25, 40, 0), (200, 15, 7, 3)])
def test_linear_response_is_the_exact_parabolic_cylinder_formula(bias, sigma, frequency, t_ref):
    ds = srlif.theory(response="linear", bias=bias, sigma=sigma, frequency=frequency, t_ref=t_ref).squeeze()
    rate, chi, spectrum = lindner.reference(bias, sigma, frequency, t_ref)
    assert math.isclose(ds.rate_hz.item(), float(rate), rel_tol=1e-12)
    assert math.isclose(ds.susceptibility_hz_per_pa.item(), float(abs(chi)), rel_tol=1e-9)
    assert math.isclose(ds.susceptibility_phase_rad.item(), -float(lindner.mp.arg(chi)), rel_tol=1e-8, abs_tol=1e-10)
    assert math.isclose(ds.spontaneous_spectrum_hz.item(), float(spectrum), rel_tol=1e-9)


def test_stationary_theory_refuses_the_signal(tmp_path):
    with pytest.raises(srlif.InputError, match="amplitude: .*response linear"):
        srlif.theory(sigma=40, amplitude=5)
    assert list(srlif.theory(sigma=40).data_vars) == ["mu_mv", "sigma_v_mv", "mean_v_mv", "std_v_mv", "rate_hz"]


def test_periodic_state_is_the_command_lines_table_with_its_rate_curve(tmp_path, run_cli):
    run_cli("theory", "--response", "periodic", "--sigma", "40,80", "--amplitude", "10",
            "--out", tmp_path / "cli.csv", "--rate-curve", tmp_path / "cli_curve.csv")
    ds = srlif.theory(response="periodic", sigma=[40, 80], amplitude=10, out=tmp_path / "py.csv",
                      rate_curve=tmp_path / "py_curve.csv")
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert (tmp_path / "py_curve.csv").read_bytes() == (tmp_path / "cli_curve.csv").read_bytes()
    assert ds.periodic_rate_hz.dims == ("sigma", "amplitude", "bias", "frequency", "phase_rad")
    assert ds.periodic_rate_hz.attrs["units"] == "Hz"
    curve = ds.periodic_rate_hz.sel(sigma=40.0).squeeze()
    assert math.isclose(float(curve.mean()), ds.periodic_mean_rate_hz.sel(sigma=40.0).item(), rel_tol=1e-10)
    assert (ds.periodic_relative_error < 1e-3).all()


def test_sigma_opt_is_the_command_lines_and_the_rayleigh_rates_peak(run_cli):
    printed = run_cli("theory", "--response", "periodic", "--sigma", "20:60:5", "--amplitude", "10,20").stderr
    ds = srlif.theory(response="periodic", sigma="20:60:5", amplitude=[10, 20])
    assert list(ds.objective.values) == ["rayleigh-rate"]
    assert ds.sigma_opt.dims == ("objective", "amplitude", "bias", "frequency")
    assert ds.sigma_opt.attrs["units"] == "pA*sqrt(ms)"
    rayleigh = ds.periodic_rayleigh_rate_hz
    np.testing.assert_allclose(rayleigh, ds.periodic_mean_rate_hz * ds.periodic_vector_strength ** 2, rtol=1e-15)
    for amplitude in (10.0, 20.0):
        best = rayleigh.sel(amplitude=amplitude).squeeze()
        peak = float(best.sigma[int(np.argmax(best.values))])
        found = ds.sel(objective="rayleigh-rate", amplitude=amplitude).squeeze()
        assert float(found.sigma_opt) == peak and 20 < peak < 60
        assert float(found.sigma_opt_value) == float(best.max())
        line = f"sigma_opt[rayleigh-rate] = {peak:.4g} (refined {float(found.sigma_opt_refined):.4g})"
        assert line in printed, printed
    linear = srlif.theory(response="linear", sigma="20:60:5", amplitude=2)
    assert list(linear.objective.values) == ["snr", "rayleigh-rate"]
    assert "objective" not in srlif.theory(sigma=[20, 40]).coords
