#!/usr/bin/env python3
"""Golden data for glass-healpix's coordinate rotations and map
interpolation (healpy ``Rotator(coord=..)``, ``rotate_map_pixel``,
``get_interp_weights``, ``get_interp_val``), and the rotation matrices that
glass-healpix ships (``healpix/src/rotator.rs``).

healpy takes the ecliptic -> galactic and ecliptic -> equatorial matrices
from astropy (BarycentricMeanEcliptic to Galactic / FK5 at J2000) and builds
the others with ``np.linalg.inv`` and ``np.dot``; this script prints those
two matrices as Rust constants (paste them into rotator.rs when the pinned
versions change) and saves every coordinate matrix healpy uses, so the Rust
test checks that the shipped constants and the derived matrices agree.

Writes ``healpix/tests/golden/rot_*.npy`` and ``interp_*.npy``.

Usage: ``/tmp/venv/bin/python tools/reference/healpix_rotator.py``
(healpy 1.20.1, astropy 8.0.2, numpy 2.4.6).
"""

from __future__ import annotations

import pathlib
import sys
from importlib.metadata import version

PINNED = {"healpy": "1.20.1", "numpy": "2.4.6", "astropy": "8.0.2"}
bad = [f"{k}: need {v}, have {version(k)}" for k, v in PINNED.items() if version(k) != v]
if bad:
    sys.exit("refusing to run, wrong package versions:\n  " + "\n  ".join(bad))

import healpy as hp  # noqa: E402
import numpy as np  # noqa: E402
from healpy import rotator  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "healpix" / "tests" / "golden"
G = 0.6180339887498949
R = 0.7548776662466927


def save(name, arr, dtype="<f8"):
    a = np.ascontiguousarray(np.asarray(arr).astype(dtype))
    np.save(OUT / name, a)
    print(f"wrote {name} {a.shape} {a.dtype}")


def frac(x):
    return x - np.floor(x)


def rust_matrix(name, m):
    rows = ",\n".join("    [" + ", ".join(repr(float(v)) for v in row) + "]" for row in m)
    return f"const {name}: [[f64; 3]; 3] = [\n{rows},\n];"


print(rust_matrix("E2G", rotator.e2g))
print(rust_matrix("E2Q", rotator.e2q))

# every conversion, in this order: GC, CG, GE, EG, CE, EC
pairs = ["GC", "CG", "GE", "EG", "CE", "EC"]
save("rot_matrices.npy", np.stack([hp.Rotator(coord=p).mat for p in pairs]))

n = 2000
i = np.arange(n, dtype=float)
theta = np.arccos(1 - 2 * frac((i + 0.5) * G))
phi = (2.0 * np.pi) * frac((i + 0.5) * R)
save("rot_points.npy", np.stack([theta, phi]))
# the rotated directions, forward and inverse
for p in ["GC", "CE"]:
    r = hp.Rotator(coord=p)
    save(f"rot_dir_{p}.npy", np.stack(r(theta, phi)))
    save(f"rot_dir_{p}_inv.npy", np.stack(r.I(theta, phi)))

# interpolation weights and values at nside 1, 2, 3, 7, 64 (RING)
for nside in [1, 2, 3, 7, 64]:
    npix = hp.nside2npix(nside)
    m = np.cos(0.001 * np.arange(npix)) + 0.3 * np.sin(0.017 * np.arange(npix) + 0.5)
    pix, w = hp.get_interp_weights(nside, theta, phi)
    save(f"interp_pix_n{nside}.npy", pix, "<i8")
    save(f"interp_wgt_n{nside}.npy", w)
    save(f"interp_val_n{nside}.npy", hp.get_interp_val(m, theta, phi))

# rotate_map_pixel of the T test map at nside 16
nside = 16
npix = hp.nside2npix(nside)
m = np.cos(0.001 * np.arange(npix)) + 0.3 * np.sin(0.017 * np.arange(npix) + 0.5)
for p in ["GC", "CE"]:
    save(f"rot_map_{p}_n16.npy", hp.Rotator(coord=p).rotate_map_pixel(m))
