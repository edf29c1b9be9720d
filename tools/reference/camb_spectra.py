"""Reference matter power spectra and angular matter spectra from CAMB.

Writes, for the built-in spectra of `glass::spectra` (issue 13):

- `host/tests/golden/science/spectra_camb.txt`: for two cosmologies, CAMB's
  linear P(k, z) and its non-linear P(k, z) with HMcode-2020 (`mead2020`,
  CAMB's default) and with Takahashi et al. 2012 halofit (`takahashi`), in
  (Mpc/h)^3 at k in h/Mpc, 1e-4 < k < 10 h/Mpc, z in {0, 0.5, 1, 2, 3};
  sigma8, A_s and the derived densities;
- `host/tests/golden/science/spectra_cls_{a,b}_{model}_lmax256.npz`: the
  angular matter spectra of `glass.ext.camb.matter_cls` (non-Limber) for
  the two cosmologies' shells, in `glass.save_cls` layout, with CAMB's
  default non-linear model as the anchors use it (`NonLinear_both`,
  HMcode-2020: `hmcode2020`) and with Takahashi halofit (`takahashi2012`).
  `spectra_cls_a_hmcode2020_lmax256.npz` reproduces
  `../shared/anchors/cls_nside128_lmax256.npz`.

Cosmology A is the one of `../shared/anchors/` (h = 0.7, Omega_c = 0.25,
Omega_b = 0.05, CAMB defaults otherwise: n_s = 0.965, A_s = 2e-9, one
massive neutrino of 0.06 eV, T_CMB = 2.7255 K), shells
`redshift_grid(0, 1, dz=0.1)`. Cosmology B differs in every parameter the
issue names: h = 0.65, Omega_c = 0.30, Omega_b = 0.045, n_s = 0.94,
A_s = 2.4e-9, shells `redshift_grid(0, 2, dz=0.2)`. Both use tophat windows
with `camb_tophat_weight`.

Pinned versions (the script refuses others): camb 2.0.5, glass 2026.4,
glass.ext.camb 2023.6, numpy 2.4.6.

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install camb==2.0.5 glass==2026.4 glass.ext.camb==2023.6 numpy==2.4.6 scipy
    /tmp/venv/bin/python tools/reference/camb_spectra.py

`--boost [a] [b]` instead writes
`host/tests/golden/science/spectra_cls_{a,b}_takahashi2012_boost2_lmax256.npz`:
the Takahashi spectra at doubled CAMB accuracy (see `boosted_cls`), about
30 minutes per cosmology.

Takes about six minutes on 2 cores (the four `matter_cls` calls dominate;
their wall time is printed, it is the CAMB side of the `matter_cls`
benchmark).
"""

from __future__ import annotations

import pathlib
import sys
import time
from importlib.metadata import version

PINS = {"camb": "2.0.5", "glass": "2026.4", "glass.ext.camb": "2023.6", "numpy": "2.4.6"}
for pkg, want in PINS.items():
    have = version(pkg)
    if have != want:
        sys.exit(f"{pkg} {have} installed, this script is pinned to {want}")

import camb  # noqa: E402
import numpy as np  # noqa: E402

import glass  # noqa: E402
import glass.ext.camb  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "host" / "tests" / "golden" / "science"

COSMOLOGIES = {
    "a": dict(h=0.7, omega_c=0.25, omega_b=0.05, ns=0.965, As=2e-9, zmax=1.0, dz=0.1),
    "b": dict(h=0.65, omega_c=0.30, omega_b=0.045, ns=0.94, As=2.4e-9, zmax=2.0, dz=0.2),
}
ZS = [0.0, 0.5, 1.0, 2.0, 3.0]
# the angular spectra: CAMB's default non-linear model (as the anchors:
# `NonLinear_both`, HMcode-2020) and Takahashi halofit. There is no linear
# variant: `glass.ext.camb.matter_cls` calls `pars.set_for_lmax(lmax)`,
# which in CAMB 2.0.5 switches non-linear lensing on
# (`lens_potential_accuracy` defaults to 4), and CAMB then applies the
# non-linear model to the source windows too, whatever `NonLinear` was.
CLS_MODELS = [
    ("hmcode2020", camb.model.NonLinear_both, "mead2020"),
    ("takahashi2012", camb.model.NonLinear_both, "takahashi"),
]
KMIN, KMAX = 1e-4, 10.0  # h/Mpc


def params(c: dict) -> camb.CAMBparams:
    h = c["h"]
    pars = camb.set_params(
        H0=100 * h,
        ombh2=c["omega_b"] * h**2,
        omch2=c["omega_c"] * h**2,
        ns=c["ns"],
        As=c["As"],
    )
    return pars


def fmt(v: float) -> str:
    return repr(float(v))


class Writer:
    def __init__(self) -> None:
        self.lines = [
            "# CAMB reference power spectra, written by tools/reference/camb_spectra.py",
            f"# camb {camb.__version__}; k in h/Mpc, P in (Mpc/h)^3; rows of P are the z values",
        ]

    def add(self, name: str, value) -> None:
        a = np.asarray(value, dtype=float)
        self.lines.append(" ".join([name, str(a.ndim), *map(str, a.shape)]))
        self.lines.append(" ".join(fmt(v) for v in a.ravel()))


def power(pars: camb.CAMBparams, model: str | None):
    p = pars.copy()
    p.set_matter_power(redshifts=ZS[::-1], kmax=20.0, k_per_logint=10)
    if model is None:
        p.NonLinear = camb.model.NonLinear_none
    else:
        p.NonLinear = camb.model.NonLinear_pk
        p.NonLinearModel.set_params(halofit_version=model)
    res = camb.get_results(p)
    if model is None:
        kh, z, pk = res.get_linear_matter_power_spectrum(hubble_units=True, k_hunit=True)
    else:
        kh, z, pk = res.get_nonlinear_matter_power_spectrum(hubble_units=True, k_hunit=True)
    order = np.argsort(z)
    z = np.asarray(z)[order]
    pk = np.asarray(pk)[order]
    assert np.allclose(z, ZS), z
    keep = (kh >= KMIN) & (kh <= KMAX)
    return res, kh[keep], pk[:, keep]


def boosted_cls(only: list[str]) -> None:
    """The Takahashi spectra again at higher CAMB accuracy (AccuracyBoost,
    lSampleBoost and lAccuracyBoost 2): CAMB's default accuracy loses up
    to 9% of the power of the thin low-redshift shells at l ~ 256. About
    30 minutes per cosmology."""
    for name in only:
        c = COSMOLOGIES[name]
        pars = params(c)
        pars.NonLinear = camb.model.NonLinear_both
        pars.NonLinearModel.set_params(halofit_version="takahashi")
        pars.set_accuracy(AccuracyBoost=2.0, lSampleBoost=2.0, lAccuracyBoost=2.0)
        zb = glass.redshift_grid(0.0, c["zmax"], dz=c["dz"])
        ws = glass.tophat_windows(zb, weight=glass.ext.camb.camb_tophat_weight)
        t0 = time.perf_counter()
        cls = glass.ext.camb.matter_cls(pars, 256, ws)
        print(f"cosmology {name}: boosted matter_cls: {time.perf_counter() - t0:.1f} s")
        glass.save_cls(OUT / f"spectra_cls_{name}_takahashi2012_boost2_lmax256.npz", cls)


def main() -> None:
    if sys.argv[1:2] == ["--boost"]:
        boosted_cls(sys.argv[2:] or list(COSMOLOGIES))
        return
    w = Writer()
    for name, c in COSMOLOGIES.items():
        pars = params(c)
        res, kh, plin = power(pars, None)
        _, kh2, pmead = power(pars, "mead2020")
        _, kh3, ptak = power(pars, "takahashi")
        assert np.array_equal(kh, kh2) and np.array_equal(kh, kh3)
        h = c["h"]
        omnuh2 = pars.omnuh2
        w.add(f"{name}_h", h)
        w.add(f"{name}_omega_b", c["omega_b"])
        w.add(f"{name}_omega_c", c["omega_c"])
        w.add(f"{name}_omega_nu", omnuh2 / h**2)
        w.add(f"{name}_omega_m", c["omega_b"] + c["omega_c"] + omnuh2 / h**2)
        w.add(f"{name}_n_s", c["ns"])
        w.add(f"{name}_A_s", c["As"])
        w.add(f"{name}_mnu", 0.06)
        w.add(f"{name}_T_cmb", pars.TCMB)
        w.add(f"{name}_sigma8", res.get_sigma8_0())
        w.add(f"{name}_z", ZS)
        w.add(f"{name}_k", kh)
        w.add(f"{name}_pk_linear", plin)
        w.add(f"{name}_pk_hmcode2020", pmead)
        w.add(f"{name}_pk_takahashi2012", ptak)
        print(f"cosmology {name}: sigma8 = {res.get_sigma8_0():.6f}, {kh.size} k values")

        zb = glass.redshift_grid(0.0, c["zmax"], dz=c["dz"])
        ws = glass.tophat_windows(zb, weight=glass.ext.camb.camb_tophat_weight)
        w.add(f"{name}_zbins", zb)
        for tag, nonlinear, model in CLS_MODELS:
            p = pars.copy()
            p.NonLinear = nonlinear
            if model is not None:
                p.NonLinearModel.set_params(halofit_version=model)
            t0 = time.perf_counter()
            cls = glass.ext.camb.matter_cls(p, 256, ws)
            dt = time.perf_counter() - t0
            print(f"cosmology {name}: matter_cls {tag} lmax 256, {len(ws)} shells: {dt:.1f} s")
            w.add(f"{name}_matter_cls_{tag}_seconds_lmax256", dt)
            glass.save_cls(OUT / f"spectra_cls_{name}_{tag}_lmax256.npz", cls)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "spectra_camb.txt").write_text("\n".join(w.lines) + "\n")


if __name__ == "__main__":
    main()
