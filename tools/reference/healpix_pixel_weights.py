#!/usr/bin/env python3
"""Golden data for ``ShtPlan::map2alm_pixel_weights`` (glass-healpix):
healpy 1.20.1 ``map2alm(m, lmax, iter=3, use_pixel_weights=True)`` of a fixed
map, with healpy-data's ``healpix_full_weights_nside_0032.fits``.

The map is band-unlimited on purpose (a smooth part plus a sharp feature),
so that the weights matter. healpy ignores ``iter`` with pixel weights
(``_sphtools.map2alm`` sets ``niter = 0``); the script checks that the
``iter=0`` and ``iter=3`` results are identical.

Writes ``healpix/tests/golden/pixel_weights_n32_{map,alm_l64,alm_l96}.npy``
(map: float64, alm: complex128 in healpy order, lmax 64 and 96).

Run (the healpy-data checkout holds ``full_weights/``; nothing is
downloaded):

    /tmp/venv/bin/python tools/reference/healpix_pixel_weights.py --datapath /work/shared/healpy-data
"""

import argparse
import pathlib

import healpy as hp
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "healpix" / "tests" / "golden"

assert hp.__version__ == "1.20.1", hp.__version__

NSIDE = 32


def make_map(nside: int) -> np.ndarray:
    theta, phi = hp.pix2ang(nside, np.arange(12 * nside**2))
    smooth = np.cos(3 * theta) + np.sin(theta) ** 2 * np.cos(5 * phi + 0.3)
    sharp = np.where(np.abs(theta - 1.0) < 0.2, np.cos(phi) ** 3, 0.0)
    return smooth + 0.5 * sharp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datapath", required=True, help="healpy-data root (with full_weights/)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    m = make_map(NSIDE)
    np.save(OUT / f"pixel_weights_n{NSIDE}_map.npy", m, allow_pickle=False)
    for lmax in (2 * NSIDE, 3 * NSIDE):
        a3 = hp.map2alm(m, lmax=lmax, iter=3, use_pixel_weights=True, datapath=args.datapath)
        a0 = hp.map2alm(m, lmax=lmax, iter=0, use_pixel_weights=True, datapath=args.datapath)
        plain = hp.map2alm(m, lmax=lmax, iter=0)
        assert np.array_equal(a0, a3), "healpy iterated with pixel weights"
        assert np.abs(a3 - plain).max() > 1e-6, "the weights changed nothing"
        np.save(OUT / f"pixel_weights_n{NSIDE}_alm_l{lmax}.npy", a3, allow_pickle=False)
        print(f"lmax {lmax}: {a3.size} alm, max |weighted - plain| {np.abs(a3 - plain).max():.3e}")


if __name__ == "__main__":
    main()
