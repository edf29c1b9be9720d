#!/usr/bin/env python3
"""Golden data from healpy for glass-rs's HEALPix pixelisation and SHT tests.

Runs healpy at a pinned version on fixed, closed-form inputs and writes plain
NumPy ``.npy`` files (``np.save``, little-endian, C order, no pickles) under
``healpix/tests/golden/``.  The Rust tests recompute the inputs from the same
formulas (documented in tools/reference/README.md and in the ``*_inputs``
functions below) and compare their outputs with these files.

Pinned versions (the script refuses to run with any other):
healpy 1.20.1, numpy 2.4.6.  healpy reads FITS data through astropy; the
reference run used astropy 8.0.2 (printed, not enforced).

dtypes: float64 ``<f8``, complex128 ``<c16``, int64 ``<i8``; the 1e5-point
``ang2pix_*`` arrays are uint16 ``<u2`` when npix <= 65536, else int32 ``<i4``,
to save space (the cast is checked to be exact).

Usage (from the repository root)::

    /tmp/venv/bin/python tools/reference/healpix_golden.py [--pixwin-datapath DIR]

``--pixwin-datapath`` points at a checkout of healpy-data holding
``pixel_window_functions/pixel_window_nXXXX.fits``.  Without it healpy tries
to download the tables (astropy cache); when that fails (no network) the
``pixwin_*`` files are skipped and the skip is reported.

See tools/reference/README.md for what each file holds.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
from importlib.metadata import version

PINNED = {
    "healpy": "1.20.1",
    "numpy": "2.4.6",
}


def check_versions() -> None:
    bad = []
    for pkg, want in PINNED.items():
        try:
            have = version(pkg)
        except Exception:  # noqa: BLE001
            have = "not installed"
        if have != want:
            bad.append(f"{pkg}: need {want}, have {have}")
    if bad:
        sys.exit("refusing to run, wrong package versions:\n  " + "\n  ".join(bad))


check_versions()

import numpy as np  # noqa: E402

import healpy as hp  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "healpix" / "tests" / "golden"

GOLDEN = 0.6180339887498949  # 1/phi
PLASTIC = 0.7548776662466927  # 1/rho (plastic number)

PIX_NSIDES = [1, 2, 3, 7, 64, 1000, 1024, 8192]
RINGINFO_NSIDES = [1, 2, 3, 7, 64]
STRIP_NSIDES = [7, 64]
PIXWIN_NSIDES = [2**k for k in range(14)]  # 1 .. 8192

N_POINTS = 100_000
N_PIX_SAMPLES = 2_000
N_LARGE_SAMPLES = 20_000
ALM_STRIDE = 211

WRITTEN: list[pathlib.Path] = []
NOTES: list[str] = []


# --------------------------------------------------------------------------
# output


def save(name: str, arr, dtype: str) -> None:
    """Save ``arr`` as ``name`` with an explicit little-endian dtype."""
    a = np.ascontiguousarray(np.asarray(arr), dtype=np.dtype(dtype))
    if np.dtype(dtype).kind in "iu":
        # the cast must be exact
        if not np.array_equal(a, np.asarray(arr)):
            raise ValueError(f"{name}: values do not fit {dtype}")
    path = OUT / name
    np.save(path, a, allow_pickle=False)
    WRITTEN.append(path)


def f8(name, arr):
    save(name, arr, "<f8")


def c16(name, arr):
    save(name, arr, "<c16")


def i8(name, arr):
    save(name, arr, "<i8")


def i4(name, arr):
    save(name, arr, "<i4")


def pixidx(name, arr, npix):
    """Pixel indices in the smallest of uint16 / int32 that holds them."""
    save(name, arr, "<u2" if npix <= 65536 else "<i4")


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    res = fn(*args, **kwargs)
    dt = time.perf_counter() - t0
    print(f"  [time] {label}: {dt:.2f} s")
    return res


# --------------------------------------------------------------------------
# deterministic inputs (the Rust tests implement these literally)


def frac(x: np.ndarray) -> np.ndarray:
    return x - np.floor(x)


def alm_index(lmax: int, l: np.ndarray, m: int) -> np.ndarray:
    """healpy order: idx(l, m) = m*(2*lmax+1-m)//2 + l."""
    return m * (2 * lmax + 1 - m) // 2 + l


def _alm(lmax: int, mmax: int, cre, cim, spin: int = 0) -> np.ndarray:
    """alm with re = cos(cre[0]*l + cre[1]*m + cre[2])/(1+l),
    im = sin(cim[0]*l + cim[1]*m + cim[2])/(1+l) for m > 0 else 0,
    zero for l < spin."""
    size = mmax * (2 * lmax + 1 - mmax) // 2 + lmax + 1
    assert size == hp.Alm.getsize(lmax, mmax)
    alm = np.zeros(size, dtype=np.complex128)
    for m in range(mmax + 1):
        li = np.arange(m, lmax + 1, dtype=np.int64)
        lf = li.astype(np.float64)
        mf = np.float64(m)
        re = np.cos(cre[0] * lf + cre[1] * mf + cre[2]) / (1.0 + lf)
        if m > 0:
            im = np.sin(cim[0] * lf + cim[1] * mf + cim[2]) / (1.0 + lf)
        else:
            im = np.zeros_like(lf)
        val = re + 1j * im
        val[li < spin] = 0.0
        idx = alm_index(lmax, li, m)
        assert np.array_equal(idx, hp.Alm.getidx(lmax, li, m))
        alm[idx] = val
    return alm


def alm_T(lmax: int, mmax: int) -> np.ndarray:
    return _alm(lmax, mmax, (0.37, 0.61, 0.2), (0.53, -0.29, 0.1))


def alm_E(lmax: int, mmax: int, spin: int) -> np.ndarray:
    return _alm(lmax, mmax, (0.37, 0.61, 1.2), (0.53, -0.29, 1.1), spin)


def alm_B(lmax: int, mmax: int, spin: int) -> np.ndarray:
    return _alm(lmax, mmax, (0.41, 0.23, 0.5), (0.17, 0.71, 0.4), spin)


def pix_float(nside: int) -> np.ndarray:
    return np.arange(12 * nside * nside, dtype=np.float64)


def map_T(nside: int) -> np.ndarray:
    p = pix_float(nside)
    return np.cos(0.001 * p) + 0.3 * np.sin(0.017 * p + 0.5)


def map_Q(nside: int) -> np.ndarray:
    p = pix_float(nside)
    return np.cos(0.002 * p + 0.1) + 0.2 * np.sin(0.011 * p)


def map_U(nside: int) -> np.ndarray:
    p = pix_float(nside)
    return np.sin(0.0015 * p + 0.3) - 0.25 * np.cos(0.013 * p)


def sample_points() -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(N_POINTS, dtype=np.float64)
    u = frac((i + 0.5) * GOLDEN)
    v = frac((i + 0.5) * PLASTIC)
    theta = np.arccos(1.0 - 2.0 * u)
    phi = 2.0 * np.pi * v
    return theta, phi


def sample_pixels(npix: int, n: int) -> np.ndarray:
    j = np.arange(n, dtype=np.float64)
    return np.floor(frac((j + 0.5) * GOLDEN) * float(npix)).astype(np.int64)


def is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


# --------------------------------------------------------------------------
# 1. pixel functions


def ringinfo_from_pixels(nside: int) -> np.ndarray:
    """Ring table (startpix, ringpix, costheta, shifted) from hp.pix2vec.

    hp.ringinfo aborts the process (C++ PlanckError, not a Python exception)
    for nside that are not powers of two, so for those the table is derived
    from healpy's RING pix2vec over all pixels; main() checks this derivation
    against hp.ringinfo on the power-of-two nsides.
    """
    npix = 12 * nside * nside
    x, y, z = hp.pix2vec(nside, np.arange(npix))
    # RING order: pixels are sorted by ring, a new ring starts where z changes
    start = np.flatnonzero(np.concatenate(([True], z[1:] != z[:-1])))
    nring = 4 * nside - 1
    assert len(start) == nring, (nside, len(start))
    ringpix = np.diff(np.concatenate((start, [npix])))
    costheta = z[start]
    # shifted: the first pixel of the ring is not at phi = 0
    phi0 = np.arctan2(y[start], x[start])
    shifted = (np.abs(phi0) > 1e-12).astype(np.float64)
    return np.stack(
        [start.astype(np.float64), ringpix.astype(np.float64), costheta, shifted]
    )


def ringinfo_healpy(nside: int) -> np.ndarray:
    rings = np.arange(1, 4 * nside)
    startpix, ringpix, costheta, _sintheta, shifted = hp.ringinfo(nside, rings)
    return np.stack(
        [
            np.asarray(startpix, dtype=np.float64),
            np.asarray(ringpix, dtype=np.float64),
            np.asarray(costheta, dtype=np.float64),
            np.asarray(shifted, dtype=np.float64),
        ]
    )


def pixel_functions() -> None:
    print("pixel functions")
    theta, phi = sample_points()
    f8("points_theta.npy", theta)
    f8("points_phi.npy", phi)

    for nside in PIX_NSIDES:
        npix = hp.nside2npix(nside)
        pixidx(f"ang2pix_ring_n{nside}.npy", hp.ang2pix(nside, theta, phi), npix)
        if is_pow2(nside):
            pixidx(
                f"ang2pix_nest_n{nside}.npy",
                hp.ang2pix(nside, theta, phi, nest=True),
                npix,
            )

        pix = sample_pixels(npix, N_PIX_SAMPLES)
        assert pix.min() >= 0 and pix.max() < npix
        i8(f"pix_n{nside}.npy", pix)
        f8(f"pix2ang_ring_n{nside}.npy", np.stack(hp.pix2ang(nside, pix)))
        f8(f"pix2vec_ring_n{nside}.npy", np.stack(hp.pix2vec(nside, pix)))
        if is_pow2(nside):
            f8(
                f"pix2ang_nest_n{nside}.npy",
                np.stack(hp.pix2ang(nside, pix, nest=True)),
            )
            i8(f"ring2nest_n{nside}.npy", hp.ring2nest(nside, pix))
            i8(f"nest2ring_n{nside}.npy", hp.nest2ring(nside, pix))

    for nside in RINGINFO_NSIDES:
        derived = ringinfo_from_pixels(nside)
        if is_pow2(nside):
            table = ringinfo_healpy(nside)
            # the derivation used for non-powers of two must agree
            assert np.array_equal(table, derived), nside
            src = "hp.ringinfo"
        else:
            table = derived
            src = "hp.pix2vec (hp.ringinfo aborts for non-power-of-two nside)"
        f8(f"ringinfo_n{nside}.npy", table)
        print(f"  ringinfo_n{nside}: from {src}")

    for nside in STRIP_NSIDES:
        i8(f"query_strip_n{nside}.npy", hp.query_strip(nside, 0.3, 1.2, inclusive=False))
        i8(
            f"query_strip_n{nside}_incl.npy",
            hp.query_strip(nside, 0.3, 1.2, inclusive=True),
        )

    f8(
        "nside2pixarea.npy",
        np.array([hp.nside2pixarea(n) for n in PIX_NSIDES], dtype=np.float64),
    )


# --------------------------------------------------------------------------
# 2. spherical harmonic transforms


def ring_weights_file(nside: int) -> pathlib.Path:
    from healpy import _sphtools

    return pathlib.Path(_sphtools.get_datapath()) / f"weight_ring_n{nside:05d}.fits"


def ring_of_pixel(nside: int) -> np.ndarray:
    """1-based ring number (1 .. 4*nside-1) of every RING pixel."""
    npix = hp.nside2npix(nside)
    z = hp.pix2vec(nside, np.arange(npix))[2]
    new = np.concatenate(([True], z[1:] != z[:-1]))
    return np.cumsum(new)


def check_ring_weight_semantics(nside, lmax, tmap, weights, alm_w3) -> None:
    """Check how healpy applies the ring weights, so the README can state it.

    Analysis with use_weights=True equals unweighted analysis of the map
    multiplied by (1 + w[r]) per ring, with w indexed by the ring number
    mirrored into the northern half (r' = min(r, 4*nside - r)); iterations
    apply the same weighted analysis to the residual map each time.
    """
    r = ring_of_pixel(nside)
    fac = 1.0 + weights[np.minimum(r, 4 * nside - r) - 1]

    def analysis(m):
        return hp.map2alm(m * fac, lmax=lmax, mmax=lmax, iter=0, use_weights=False)

    a0 = hp.map2alm(tmap, lmax=lmax, mmax=lmax, iter=0, use_weights=True)
    assert np.allclose(analysis(tmap), a0, rtol=0, atol=1e-13)
    a = analysis(tmap)
    for _ in range(3):
        a = a + analysis(tmap - hp.alm2map(a, nside, lmax=lmax, mmax=lmax, pixwin=False))
    err = np.abs(a - alm_w3).max()
    assert err < 1e-13, err
    NOTES.append(
        "ring weights: use_weights=True == unweighted analysis of map*(1+w[ring]) "
        f"(ring mirrored to the north), iterated on the residual; max diff {err:.1e}"
    )


def check_iteration_semantics(nside, lmax, tmap, alm_3) -> None:
    """map2alm(iter=K) == Jacobi iteration a += A(m - S(a)), K times."""

    def analysis(m):
        return hp.map2alm(m, lmax=lmax, mmax=lmax, iter=0, use_weights=False)

    a = analysis(tmap)
    for _ in range(3):
        a = a + analysis(tmap - hp.alm2map(a, nside, lmax=lmax, mmax=lmax, pixwin=False))
    err = np.abs(a - alm_3).max()
    assert err < 1e-13, err
    NOTES.append(f"map2alm iter=3 == 3 Jacobi steps a += A(m - S(a)); max diff {err:.1e}")


def check_spin_semantics() -> None:
    """Facts about healpy's spin transforms (recorded in the README)."""
    nside, lmax = 64, 191
    E, B = alm_E(lmax, lmax, 2), alm_B(lmax, lmax, 2)
    Z = np.zeros_like(E)
    q, u = hp.map2alm_spin([map_Q(nside), map_U(nside)], 2, lmax, lmax)
    teb0 = hp.map2alm(
        [map_T(nside), map_Q(nside), map_U(nside)], lmax=lmax, mmax=lmax, iter=0
    )
    assert np.abs(q - teb0[1]).max() < 1e-13 and np.abs(u - teb0[2]).max() < 1e-13
    NOTES.append("map2alm_spin(s=2) == map2alm(TQU, pol=True, iter=0)[1:] (no iteration)")
    qs, us = hp.alm2map_spin([E, B], nside, 2, lmax, lmax)
    _, qp, up = hp.alm2map([Z, E, B], nside, lmax=lmax, mmax=lmax, pixwin=False)
    assert np.abs(qs - qp).max() < 1e-12 and np.abs(us - up).max() < 1e-12
    NOTES.append("alm2map_spin(s=2) == alm2map(TEB, pol=True) Q,U (same sign)")
    T = alm_T(lmax, lmax)
    ell = hp.Alm.getlm(lmax)[0].astype(np.float64)
    _, dth, dph = hp.alm2map_der1(T, nside, lmax=lmax, mmax=lmax)
    g1, g2 = hp.alm2map_spin([np.sqrt(ell * (ell + 1.0)) * T, Z], nside, 1, lmax, lmax)
    e1, e2 = np.abs(g1 - dth).max(), np.abs(g2 - dph).max()
    assert e1 < 1e-10 and e2 < 1e-10, (e1, e2)
    NOTES.append(
        "spin 1: alm2map_spin([+sqrt(l(l+1)) a, 0], s=1) == alm2map_der1(a) "
        f"(d/dtheta, d/dphi / sin(theta)); max diff {max(e1, e2):.1e}"
    )


def sample_alm_indices(nalm: int) -> np.ndarray:
    k = np.arange((nalm - 1) // ALM_STRIDE + 1, dtype=np.int64)
    idx = k * ALM_STRIDE
    assert idx[-1] < nalm
    return idx


def transforms() -> None:
    print("transforms")
    # nside 64, lmax = mmax = 191
    nside, lmax = 64, 191
    T = alm_T(lmax, lmax)
    tmap = map_T(nside)
    f8(f"alm2map_n{nside}_l{lmax}.npy", hp.alm2map(T, nside, lmax=lmax, mmax=lmax, pixwin=False))
    a0 = hp.map2alm(tmap, lmax=lmax, mmax=lmax, iter=0, use_weights=False)
    a3 = hp.map2alm(tmap, lmax=lmax, mmax=lmax, iter=3, use_weights=False)
    c16(f"map2alm_n{nside}_l{lmax}_iter0.npy", a0)
    c16(f"map2alm_n{nside}_l{lmax}_iter3.npy", a3)
    check_iteration_semantics(nside, lmax, tmap, a3)

    wfile = ring_weights_file(nside)
    if wfile.is_file():
        from astropy.io import fits

        with fits.open(wfile) as hdul:
            cols = hdul[1].data
            w = np.array(cols.field(0), dtype=np.float64)
            same = all(
                np.array_equal(w, np.array(cols.field(i), dtype=np.float64))
                for i in (1, 2)
            )
        NOTES.append(
            f"ring weights read from {wfile} ({len(w)} values, T/Q/U columns "
            f"{'identical' if same else 'DIFFERENT'})"
        )
        aw = hp.map2alm(tmap, lmax=lmax, mmax=lmax, iter=3, use_weights=True)
        c16(f"map2alm_n{nside}_l{lmax}_iter3_ringw.npy", aw)
        f8(f"ringweights_n{nside}.npy", w)
        check_ring_weight_semantics(nside, lmax, tmap, w, aw)
    else:
        NOTES.append(f"ring weights NOT available offline ({wfile} missing); skipped")

    # spin transforms on full maps at nside 32, lmax 95 (size of the data)
    ns, ls = 32, 95
    qu = [map_Q(ns), map_U(ns)]
    for spin in (1, 2):
        E, B = alm_E(ls, ls, spin), alm_B(ls, ls, spin)
        f8(
            f"alm2map_spin{spin}_n{ns}_l{ls}.npy",
            np.stack(hp.alm2map_spin([E, B], ns, spin, ls, ls)),
        )
        c16(
            f"map2alm_spin{spin}_n{ns}_l{ls}.npy",
            np.stack(hp.map2alm_spin(qu, spin, ls, ls)),
        )
    check_spin_semantics()

    # mmax < lmax
    nside, lmax, mmax = 32, 95, 40
    T = alm_T(lmax, mmax)
    f8(
        f"alm2map_n{nside}_l{lmax}_m{mmax}.npy",
        hp.alm2map(T, nside, lmax=lmax, mmax=mmax, pixwin=False),
    )
    c16(
        f"map2alm_n{nside}_l{lmax}_m{mmax}_iter3.npy",
        hp.map2alm(map_T(nside), lmax=lmax, mmax=mmax, iter=3, use_weights=False),
    )

    # nside not a power of two
    for nside, lmax in ((7, 20), (3, 8)):
        T = alm_T(lmax, lmax)
        f8(
            f"alm2map_n{nside}_l{lmax}.npy",
            hp.alm2map(T, nside, lmax=lmax, mmax=lmax, pixwin=False),
        )
        c16(
            f"map2alm_n{nside}_l{lmax}_iter3.npy",
            hp.map2alm(map_T(nside), lmax=lmax, mmax=lmax, iter=3, use_weights=False),
        )

    # large: nside 1024, lmax 2047
    nside, lmax = 1024, 2047
    npix = hp.nside2npix(nside)
    T = alm_T(lmax, lmax)
    m = timed(
        f"alm2map nside {nside} lmax {lmax}",
        hp.alm2map, T, nside, lmax=lmax, mmax=lmax, pixwin=False,
    )
    pix = sample_pixels(npix, N_LARGE_SAMPLES)
    i8(f"alm2map_n{nside}_l{lmax}_pix.npy", pix)
    f8(f"alm2map_n{nside}_l{lmax}_val.npy", m[pix])
    f8(f"alm2map_n{nside}_l{lmax}_maxabs.npy", np.array([np.abs(m).max()]))
    del m
    a = timed(
        f"map2alm iter 3 nside {nside} lmax {lmax}",
        hp.map2alm, map_T(nside), lmax=lmax, mmax=lmax, iter=3, use_weights=False,
    )
    idx = sample_alm_indices(len(a))
    i8(f"map2alm_n{nside}_l{lmax}_iter3_idx.npy", idx)
    c16(f"map2alm_n{nside}_l{lmax}_iter3_val.npy", a[idx])
    f8(f"map2alm_n{nside}_l{lmax}_iter3_maxabs.npy", np.array([np.abs(a).max()]))
    del a

    nside, lmax, spin = 256, 511, 2
    npix = hp.nside2npix(nside)
    E, B = alm_E(lmax, lmax, spin), alm_B(lmax, lmax, spin)
    qu = np.stack(
        timed(
            f"alm2map_spin s=2 nside {nside} lmax {lmax}",
            hp.alm2map_spin, [E, B], nside, spin, lmax, lmax,
        )
    )
    pix = sample_pixels(npix, N_LARGE_SAMPLES)
    i8(f"alm2map_spin2_n{nside}_l{lmax}_pix.npy", pix)
    f8(f"alm2map_spin2_n{nside}_l{lmax}_val.npy", qu[:, pix])
    f8(f"alm2map_spin2_n{nside}_l{lmax}_maxabs.npy", np.array([np.abs(qu).max()]))


def stability() -> None:
    """nside 2048 at lmax = 4 nside (the stability requirement): alm2map of
    the T alm, sampled uniformly and in both polar caps (where unscaled
    recurrences underflow)."""
    nside, lmax = 2048, 8192
    npix = hp.nside2npix(nside)
    T = alm_T(lmax, lmax)
    m = timed(
        f"alm2map nside {nside} lmax {lmax}",
        hp.alm2map, T, nside, lmax=lmax, mmax=lmax, pixwin=False,
    )
    caps = np.concatenate([np.arange(2000), np.arange(npix - 2000, npix)])
    pix = np.concatenate([sample_pixels(npix, N_LARGE_SAMPLES), caps])
    i8(f"alm2map_n{nside}_l{lmax}_pix.npy", pix)
    f8(f"alm2map_n{nside}_l{lmax}_val.npy", m[pix])
    f8(f"alm2map_n{nside}_l{lmax}_maxabs.npy", np.array([np.abs(m).max()]))


# --------------------------------------------------------------------------
# 3. spectra


def spectra() -> None:
    print("spectra")
    lmax = 191
    T = alm_T(lmax, lmax)
    E = alm_E(lmax, lmax, 2)
    f8(f"alm2cl_TT_l{lmax}.npy", hp.alm2cl(T))
    f8(f"alm2cl_TE_l{lmax}.npy", hp.alm2cl(T, E))
    cl = hp.anafast(map_T(64))
    assert len(cl) == 3 * 64, len(cl)
    NOTES.append(f"anafast defaults: lmax = 3*nside-1 = {len(cl) - 1}, iter = 3")
    f8("anafast_n64.npy", cl)
    ell = np.arange(lmax + 1, dtype=np.float64)
    fl = 1.0 / (1.0 + 0.1 * ell)
    c16(f"almxfl_l{lmax}.npy", hp.almxfl(T, fl))


# --------------------------------------------------------------------------
# 4. pixel window functions


def pixel_windows(datapath: str | None) -> None:
    print("pixel windows")
    missing = []
    lmaxes = {}
    for nside in PIXWIN_NSIDES:
        try:
            # lmax larger than any table: pixwin slices [:lmax+1], so this
            # returns the whole table
            pw_t, pw_p = hp.pixwin(nside, pol=True, lmax=10**9, datapath=datapath)
            pw_t_only = hp.pixwin(nside, lmax=10**9, datapath=datapath)
        except Exception as e:  # noqa: BLE001
            missing.append(nside)
            print(f"  pixwin nside {nside}: unavailable ({type(e).__name__})")
            continue
        assert np.array_equal(pw_t, pw_t_only)
        f8(f"pixwin_T_n{nside}.npy", pw_t)
        f8(f"pixwin_P_n{nside}.npy", pw_p)
        lmaxes[nside] = len(pw_t) - 1
    if lmaxes:
        NOTES.append(f"pixwin table lmax per nside: {lmaxes}")
    if missing:
        NOTES.append(f"pixwin NOT available for nside {missing}; files skipped")


# --------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--pixwin-datapath",
        default=None,
        help="healpy-data checkout with pixel_window_functions/ (optional)",
    )
    ap.add_argument(
        "--pixwin-only",
        action="store_true",
        help="only the pixel window tables (needs --pixwin-datapath offline)",
    )
    ap.add_argument(
        "--stability",
        action="store_true",
        help="only the nside 2048, lmax 8192 alm2map samples (about 2 minutes)",
    )
    args = ap.parse_args()

    try:
        astropy_version = version("astropy")
    except Exception:  # noqa: BLE001
        astropy_version = "not installed"
    print(
        f"healpy {hp.__version__}, numpy {np.__version__}, astropy {astropy_version}"
    )
    OUT.mkdir(parents=True, exist_ok=True)

    if args.stability:
        stability()
        return
    if args.pixwin_only:
        pixel_windows(args.pixwin_datapath)
        print("\n".join(NOTES))
        return
    pixel_functions()
    transforms()
    spectra()
    pixel_windows(args.pixwin_datapath)

    print("\nnotes:")
    for n in NOTES:
        print("  " + n)
    total = 0
    print(f"\nwrote {len(WRITTEN)} files to {OUT.relative_to(ROOT)}:")
    for p in WRITTEN:
        size = p.stat().st_size
        total += size
        print(f"  {p.name:45s} {size:10d}")
    print(f"total {total} bytes ({total / 2**20:.2f} MiB)")


if __name__ == "__main__":
    main()
