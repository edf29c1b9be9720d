#!/usr/bin/env python3
"""Golden data for glass-rs's simulation modules: lensing, points, galaxies, shapes.

Runs Python GLASS 2026.4 (pinned, checked by ``science_golden.check_versions``)
on fixed inputs and writes ``host/tests/golden/science/{lensing,points,
galaxies,shapes}.txt`` in the text format of ``science_golden.py`` (read by
``host/tests/golden/mod.rs``).  Every input array is written into the file, so
the Rust tests read their inputs rather than regenerating them.  Complex arrays
are written as two arrays, ``<name>.re`` and ``<name>.im``.

healpy must find two healpy-data files offline (``map2alm(...,
use_pixel_weights=True)`` needs the nside-32 full pixel weights; the shear
needs the nside-32 pixel window); prime astropy's cache first, see
tools/reference/README.md.  The script checks that the pixel weights were
used (healpy silently proceeds without them when the download fails).

Usage: see tools/reference/README.md.
"""

from __future__ import annotations

import math
import os
import pathlib
import sys
import warnings

# Deterministic across machines: one thread for healpy, and NumPy's SIMD
# dispatch limited to AVX2 (X86_V3) -- NumPy's AVX-512 kernels of exp, log, sin,
# ... round differently in the last bit (the committed science goldens were
# made without them too).  Both must be set before NumPy is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "AVX512_SPR AVX512_ICL X86_V4")

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from science_golden import FLAT, Golden  # noqa: E402  (checks the pinned versions)

import healpy  # noqa: E402
import numpy as np  # noqa: E402

import glass  # noqa: E402
import glass.healpix  # noqa: E402
import glass.lensing  # noqa: E402
import glass.points  # noqa: E402

SCRIPT = "simulation_golden.py"


def add_complex(g: Golden, name: str, z) -> None:
    z = np.asarray(z)
    g.add(f"{name}.re", np.real(z))
    g.add(f"{name}.im", np.imag(z))


def add_window(g: Golden, name: str, w) -> None:
    g.add(f"{name}.za", w.za)
    g.add(f"{name}.wa", w.wa)
    g.add(f"{name}.zeff", w.zeff)


# --- lensing -----------------------------------------------------------------


NSIDE_K = 32
PIX32 = np.arange(0, 12 * NSIDE_K**2, 11)  # 1118 sample pixels, 0 .. 12287
NSIDE_MP = 16
PIX16 = np.arange(0, 12 * NSIDE_MP**2, 5)  # 615 sample pixels, 0 .. 3070


def kappa_map() -> tuple[np.ndarray, np.ndarray]:
    """A smooth band-limited convergence map at nside 32 (rms about 0.02)."""
    lmax = 3 * NSIDE_K - 1
    ell = np.arange(lmax + 1, dtype=float)
    cl = (1 + ell / 6) ** -3.0
    cl[0] = 0.0
    cl *= 4e-4 / np.sum((2 * ell + 1) / (4 * math.pi) * cl)
    np.random.seed(20260)  # healpy.synfast draws from NumPy's global state
    kappa = healpy.synfast(cl, NSIDE_K, lmax=lmax, mmax=lmax, pol=False, pixwin=False, new=True)
    return cl, np.asarray(kappa, dtype=float)


def check_pixel_weights(kappa: np.ndarray) -> None:
    """healpy falls back to no weights, with only a log message, when the
    weights file cannot be found; make sure it was found."""
    from astropy.utils import data

    name = f"full_weights/healpix_full_weights_nside_{NSIDE_K:04d}.fits"
    with data.conf.set_temp("dataurl", healpy.sphtfunc.DATAURL), data.conf.set_temp(
        "dataurl_mirror", healpy.sphtfunc.DATAURL_MIRROR
    ), data.conf.set_temp("remote_timeout", 1):
        path = data.get_pkg_data_filename(name, package="healpy")
    print(f"pixel weights: {path}")
    a1 = healpy.map2alm(kappa, lmax=40, use_pixel_weights=True)
    a0 = healpy.map2alm(kappa, lmax=40, use_pixel_weights=False)
    assert not np.array_equal(a0, a1), "pixel weights were not used"


def gen_lensing() -> None:  # noqa: PLR0915
    g = Golden("lensing", SCRIPT)
    g.note("complex arrays are written as <name>.re and <name>.im; maps are RING")
    g.note("pix32/pix16: the sample pixels at which output maps are written")

    # from_convergence / shear_from_convergence on a fixed nside-32 map
    cl, kappa = kappa_map()
    check_pixel_weights(kappa)
    g.add("fc.cl", cl)
    g.add("fc.kappa", kappa)
    g.add("pix32", PIX32)
    for tag, lmax in (("lNone", None), ("l64", 2 * NSIDE_K)):
        lm = 3 * NSIDE_K - 1 if lmax is None else lmax
        alm = healpy.map2alm(kappa, lmax=lm, pol=False, use_pixel_weights=True)
        add_complex(g, f"fc.{tag}.alm", alm)
        out = {}
        for disc in (True, False):
            out[disc] = glass.from_convergence(
                kappa, lmax, potential=True, deflection=True, shear=True, discretized=disc
            )
        # psi and alpha do not depend on `discretized`
        for k in (0, 1):
            assert np.array_equal(out[True][k], out[False][k])
        psi, alpha, _ = out[True]
        g.add(f"fc.{tag}.psi", psi[PIX32])
        add_complex(g, f"fc.{tag}.alpha", alpha[PIX32])
        for disc in (True, False):
            dtag = "disc" if disc else "nodisc"
            gamma = out[disc][2]
            add_complex(g, f"fc.{tag}.{dtag}.gamma", gamma[PIX32])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                sh = np.asarray(glass.shear_from_convergence(kappa, lmax, discretized=disc))
            assert sh.shape == (2, kappa.size)
            g.add(f"sfc.{tag}.{dtag}.g1", sh[0][PIX32])
            g.add(f"sfc.{tag}.{dtag}.g2", sh[1][PIX32])
            dev = np.max(np.abs(sh[0] + 1j * sh[1] - gamma)) / np.max(np.abs(gamma))
            print(f"shear_from_convergence vs from_convergence gamma ({tag}, {dtag}): {dev:.2e} rel")

    # MultiPlaneConvergence, multi_plane_matrix, multi_plane_weights
    rng = np.random.default_rng(1601)
    npix = 12 * NSIDE_MP**2
    deltas = np.round(0.1 * rng.normal(size=(4, npix)), 5)
    shells = glass.tophat_windows(glass.redshift_grid(0.0, 1.2, num=4))
    assert len(shells) == 4
    g.add("mpc.delta_in", deltas)
    g.add("pix16", PIX16)
    for i, w in enumerate(shells):
        add_window(g, f"mpc.shell.{i}", w)
    mpc = glass.MultiPlaneConvergence(FLAT)
    for i, w in enumerate(shells):
        mpc.add_window(deltas[i], w)
        assert np.array_equal(mpc.delta, deltas[i])
        g.add(f"mpc.window.{i}.kappa", mpc.kappa[PIX16])
        g.add(f"mpc.window.{i}.delta", mpc.delta[PIX16])
        g.add(f"mpc.window.{i}.zsrc", mpc.zsrc)
        g.add(f"mpc.window.{i}.wlens", mpc.wlens)
    zsrc = [0.2, 0.45, 0.8, 1.1]
    wlens = [1.0, 0.8, 1.2, 0.5]
    g.add("mpc.plane.zsrc_in", zsrc)
    g.add("mpc.plane.wlens_in", wlens)
    mpc = glass.MultiPlaneConvergence(FLAT)
    for i in range(4):
        mpc.add_plane(deltas[i], zsrc[i], wlens[i])
        g.add(f"mpc.plane.{i}.kappa", mpc.kappa[PIX16])
        g.add(f"mpc.plane.{i}.delta", mpc.delta[PIX16])
        g.add(f"mpc.plane.{i}.zsrc", mpc.zsrc)
        g.add(f"mpc.plane.{i}.wlens", mpc.wlens)
    g.add("mpm.matrix", glass.multi_plane_matrix(shells, FLAT))
    weights = np.array(
        [[1.0, 0.0, 0.2], [2.0, 0.5, 0.2], [0.5, 1.5, 0.3], [0.0, 2.0, 0.3]]
    )
    g.add("mpw.weights", weights)
    g.add("mpw.out", glass.multi_plane_weights(weights, shells, FLAT))

    # deflect and displace: 200 points
    rng = np.random.default_rng(2718)
    n_rand = 168
    lon = rng.uniform(-30.0, 390.0, size=n_rand)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=n_rand)))
    pole = np.array([90.0, -90.0, 89.9, -89.9, 89.999, -89.999, 89.99999, -89.99999,
                     88.0, -88.0, 90.0, -90.0, 89.0, -89.5, 89.9999999, -89.9999999])
    lon = np.concatenate([lon, rng.uniform(0.0, 360.0, size=pole.size), np.zeros(8),
                          [180.0, 0.0, 45.0, 270.0, 360.0, -90.0, 10.0, 200.0]])
    lat = np.concatenate([lat, pole, np.zeros(8), [0.0, 45.0, -30.0, 60.0, 0.0, 10.0, 80.0, -80.0]])
    amp = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, size=n_rand + pole.size))
    amp[:8] = [0.5, 0.5, 0.49, 1e-8, 1e-4, 0.3, 0.5, 0.0]
    phase = rng.uniform(-math.pi, math.pi, size=amp.size)
    alpha = amp * np.exp(1j * phase)
    alpha = np.concatenate([
        alpha,
        [0.01, 0.01j, -0.01, -0.01j, 0.0, 0.3 + 0.4j, math.pi / 2, 1j * math.pi / 2],
        [0.5j, 0.5, -0.4, 0.1 - 0.2j, -0.5j, 0.25 + 0.25j, 0.45, -0.45],
    ])
    assert lon.size == lat.size == alpha.size == 200
    g.add("deflect.lon", lon)
    g.add("deflect.lat", lat)
    add_complex(g, "deflect.alpha", alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dlon, dlat = glass.deflect(lon, lat, alpha)
        dlon2, dlat2 = glass.deflect(lon, lat, np.stack([alpha.real, alpha.imag]))
    assert np.array_equal(dlon, dlon2) and np.array_equal(dlat, dlat2)
    g.add("deflect.out_lon", dlon)
    g.add("deflect.out_lat", dlat)
    plon, plat = glass.displace(lon, lat, alpha)
    g.add("displace.out_lon", plon)
    g.add("displace.out_lat", plat)
    # GLASS: deflect(alpha) == displace(conj(alpha)) up to rounding
    clon, clat = glass.displace(lon, lat, np.conj(alpha))
    print(
        "deflect(alpha) vs displace(conj(alpha)): max |dlon| "
        f"{np.max(np.abs(dlon - clon)):.2e} deg, max |dlat| {np.max(np.abs(dlat - clat)):.2e} deg"
    )
    # a real-dtype alpha is read as the stack (alpha1, alpha2): pass complex
    for a in (0.01, 0.01j):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            d = glass.deflect(np.array([0.0]), np.array([0.0]), np.array([a], dtype=complex))
        p = glass.displace(np.array([0.0]), np.array([0.0]), np.array([a], dtype=complex))
        print(f"alpha={a}: deflect -> lon {d[0][0]!r} lat {d[1][0]!r}; displace -> lon {p[0][0]!r} lat {p[1][0]!r}")

    # displacement: 200 pairs
    rng = np.random.default_rng(3141)
    n1 = 100  # to = displace(from, alpha): displacement returns alpha
    f_lon = rng.uniform(0.0, 360.0, size=n1)
    f_lat = np.degrees(np.arcsin(rng.uniform(-0.98, 0.98, size=n1)))
    a1 = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, size=n1)) * np.exp(1j * rng.uniform(-math.pi, math.pi, size=n1))
    t_lon, t_lat = glass.displace(f_lon, f_lat, a1)
    n2 = 70  # independent random pairs, any separation
    f2_lon = rng.uniform(-180.0, 360.0, size=n2)
    f2_lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=n2)))
    t2_lon = rng.uniform(-180.0, 360.0, size=n2)
    t2_lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=n2)))
    # special: same point, antipodes, cardinal steps from (0, 0), across a pole
    f3_lon = np.array([10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 120.0, 0.0,
                       30.0, 30.0, 0.0, 90.0, 350.0, 0.0, 45.0, 0.0, 200.0, 0.0,
                       0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    f3_lat = np.array([20.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 89.0, 90.0,
                       89.5, -89.5, -90.0, 45.0, 0.0, 0.0, 0.0, 0.0, -60.0, 45.0,
                       0.0, 0.0, 0.0, 0.0, 10.0, -10.0, 0.0, 0.0, 89.999, -89.999])
    t3_lon = np.array([10.0, 180.0, 1.0, -1.0, 0.0, 0.0, 360.0, 0.5, 300.0, 77.0,
                       210.0, 210.0, 10.0, 270.0, 10.0, 359.0, 45.0, 0.0, 20.0, 180.0,
                       0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 90.0, -90.0, 180.0, 180.0])
    t3_lat = np.array([20.0, 0.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.5, 89.0, 30.0,
                       89.5, -89.5, -80.0, -45.0, 0.0, 0.0, 45.0, -90.0, 60.0, 45.0,
                       90.0, -90.0, 30.0, -30.0, 10.0, -10.0, 0.0, 0.0, 89.999, -89.999])
    fl = np.concatenate([f_lon, f2_lon, f3_lon])
    fb = np.concatenate([f_lat, f2_lat, f3_lat])
    tl = np.concatenate([t_lon, t2_lon, t3_lon])
    tb = np.concatenate([t_lat, t2_lat, t3_lat])
    assert fl.size == 200
    g.add("displacement.from_lon", fl)
    g.add("displacement.from_lat", fb)
    g.add("displacement.to_lon", tl)
    g.add("displacement.to_lat", tb)
    dis = glass.displacement(fl, fb, tl, tb)
    add_complex(g, "displacement.out", dis)
    print(f"displacement(displace(p, alpha)) - alpha: max {np.max(np.abs(dis[:n1] - a1)):.2e}")
    g.write()


# --- points ------------------------------------------------------------------


def gen_points() -> None:
    g = Golden("points", SCRIPT)
    g.add("ARCMIN2_SPHERE", glass.points.ARCMIN2_SPHERE)

    z = np.linspace(0.1, 2.0, 77)
    bz1 = 1.0 + z
    bz2 = 0.8 + 0.5 * z**2 - 0.1 * np.sin(5 * z)
    g.add("eb.z", z)
    g.add("eb.bz1", bz1)
    g.add("eb.bz2", bz2)
    windows = [
        *glass.tophat_windows(np.array([0.0, 0.5, 1.0, 1.5])),  # first starts below z[0]
        *glass.linear_windows(np.array([0.2, 0.6, 1.1, 2.4])),  # last ends above z[-1]
        *glass.cubic_windows(np.array([0.3, 0.8, 1.3]), dz=0.01),
    ]
    g.add("eb.n", len(windows))
    for i, w in enumerate(windows):
        add_window(g, f"eb.w.{i}", w)
        g.add(f"eb.{i}.bz1", glass.effective_bias(z, bz1, w))
        g.add(f"eb.{i}.bz2", glass.effective_bias(z, bz2, w))

    rng = np.random.default_rng(77)
    delta = np.round(np.expm1(rng.normal(0.0, 0.6, size=(4, 50))), 6)
    delta[0, :4] = [-1.0, 0.0, -0.999999, 5.0]
    g.add("bias.delta", delta)
    b_arr = np.array([[0.5], [1.0], [1.7], [2.5]])
    b_row = np.round(rng.uniform(0.5, 3.0, size=50), 6)
    g.add("bias.b_scalar", 1.7)
    g.add("bias.b_col", b_arr)
    g.add("bias.b_row", b_row)
    g.add("linear.scalar", glass.linear_bias(delta, 1.7))
    g.add("linear.col", glass.linear_bias(delta, b_arr))
    g.add("linear.row", glass.linear_bias(delta, b_row))
    with np.errstate(divide="ignore"):
        g.add("loglinear.scalar", glass.loglinear_bias(delta, 1.7))
        g.add("loglinear.col", glass.loglinear_bias(delta, b_arr))
        g.add("loglinear.row", glass.loglinear_bias(delta, b_row))
    # edge: delta = -1 with b = 0 is 0 * -inf = nan
    ed = np.array([-1.0, -1.0, -1.0, 0.0, 0.0, 3.0])
    eb = np.array([0.0, 1.0, 2.5, 0.0, 2.0, 0.0])
    g.add("loglinear.edge_delta", ed)
    g.add("loglinear.edge_b", eb)
    with np.errstate(divide="ignore", invalid="ignore"):
        g.add("loglinear.edge", glass.loglinear_bias(ed, eb))

    d1 = np.array([1.0, 3.0, 0.5, 2.0, 4.0])
    d2 = np.array([[1.0, 0.0, 2.0], [3.0, 1.0, 2.0], [0.5, 2.0, 2.0], [2.0, 4.0, 2.0], [4.0, 0.5, 2.0]])
    bias1 = np.array([0.9, 1.1, 1.4, 1.8, 2.3])
    bias2 = np.array([[1.0, 2.0, 0.5], [1.2, 2.0, 0.6], [1.4, 2.0, 0.7], [1.6, 2.0, 0.8], [1.8, 2.0, 0.9]])
    g.add("pw.d1", d1)
    g.add("pw.d2", d2)
    g.add("pw.bias1", bias1)
    g.add("pw.bias2", bias2)
    g.add("pw.d1.none", glass.position_weights(d1))
    g.add("pw.d1.float", glass.position_weights(d1, 1.5))
    g.add("pw.d1.bias1", glass.position_weights(d1, bias1))
    g.add("pw.d1.bias2", glass.position_weights(d1, bias2))
    g.add("pw.d2.none", glass.position_weights(d2))
    g.add("pw.d2.float", glass.position_weights(d2, 1.5))
    g.add("pw.d2.bias1", glass.position_weights(d2, bias1))
    g.add("pw.d2.bias2", glass.position_weights(d2, bias2))
    g.write()


# --- galaxies ----------------------------------------------------------------


def gen_galaxies() -> None:  # noqa: PLR0915
    g = Golden("galaxies", SCRIPT)
    g.note("complex arrays are written as <name>.re and <name>.im; maps are RING, nside 16")
    nside = 16
    npix = 12 * nside**2
    rng = np.random.default_rng(4242)
    kappa = np.round(0.02 * rng.normal(size=npix), 6)
    gamma1 = np.round(0.02 * rng.normal(size=npix), 6)
    gamma2 = np.round(0.02 * rng.normal(size=npix), 6)

    # pixels with |g| = |gamma / (1 - kappa)| close to but below 1
    near = rng.choice(npix, size=24 + 10, replace=False)
    near, strong = near[:24], near[24:]
    gmag = np.array([0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999, 0.999999, 0.97,
                     0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999, 0.999999, 0.98,
                     0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 0.995])
    gphase = rng.uniform(-math.pi, math.pi, size=24)
    kn = np.round(rng.uniform(-0.1, 0.6, size=24), 6)
    gn = gmag * np.exp(1j * gphase) * (1 - kn)
    kappa[near] = kn
    gamma1[near] = np.round(gn.real, 9)
    gamma2[near] = np.round(gn.imag, 9)
    gnear = (gamma1[near] + 1j * gamma2[near]) / (1 - kappa[near])
    assert np.all(np.abs(gnear) < 1), np.abs(gnear)
    # pixels with |g| >= 1, kappa = 1 (g infinite) or kappa > 1
    ks = np.array([0.0, 0.0, 0.5, 0.2, 0.0, 1.0, 1.0, 1.5, 2.0, 0.9])
    gs = np.array([1.0, 0.6 + 0.8j, 0.5, 1.2, 3j, 0.1, 0.0, 0.3, 0.5 + 0.5j, 0.2])
    kappa[strong] = ks
    gamma1[strong] = gs.real
    gamma2[strong] = gs.imag
    g.add("kappa", kappa)
    g.add("gamma1", gamma1)
    g.add("gamma2", gamma2)
    g.add("near_pix", near)
    g.add("strong_pix", strong)

    # 500 galaxies: 452 random (not in the special pixels), 2 at each near pixel centre
    n_rand = 452
    lon = np.empty(0)
    lat = np.empty(0)
    special = set(near.tolist()) | set(strong.tolist())
    while lon.size < n_rand:
        lo = rng.uniform(-10.0, 370.0, size=n_rand)
        la = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=n_rand)))
        ip = glass.healpix.ang2pix(nside, lo, la, lonlat=True)
        keep = np.array([p not in special for p in ip.tolist()])
        lon = np.concatenate([lon, lo[keep]])[:n_rand]
        lat = np.concatenate([lat, la[keep]])[:n_rand]
    clon, clat = healpy.pix2ang(nside, np.repeat(near, 2), lonlat=True)
    lon = np.concatenate([lon, clon])
    lat = np.concatenate([lat, clat])
    r = np.minimum(0.25 * np.abs(rng.normal(size=lon.size) + 1j * rng.normal(size=lon.size)), 0.95)
    eps = r * np.exp(1j * rng.uniform(-math.pi, math.pi, size=lon.size))
    eps[:6] = [0.0, 0.99, -0.99j, 0.7 + 0.7j, 1e-9, 0.5]
    eps[n_rand::2] = 0.3 * np.exp(1j * rng.uniform(-math.pi, math.pi, size=24))
    eps[n_rand + 1 :: 2] = 0.9 * np.exp(1j * rng.uniform(-math.pi, math.pi, size=24))
    ipix = glass.healpix.ang2pix(nside, lon, lat, lonlat=True)
    assert np.array_equal(ipix[n_rand:], np.repeat(near, 2))
    assert lon.size == 500
    g.add("gs.lon", lon)
    g.add("gs.lat", lat)
    add_complex(g, "gs.eps", eps)
    g.add("gs.ipix", ipix)
    add_complex(g, "gs.reduced", glass.galaxy_shear(lon, lat, eps, kappa, gamma1, gamma2))
    add_complex(
        g, "gs.plain", glass.galaxy_shear(lon, lat, eps, kappa, gamma1, gamma2, reduced_shear=False)
    )
    gg = (gamma1[ipix] + 1j * gamma2[ipix]) / (1 - kappa[ipix])
    print(f"galaxy_shear: max |g| of the 500 galaxies {np.max(np.abs(gg))!r}")

    # |g| >= 1 and kappa >= 1: two galaxies at each strong pixel centre
    slon, slat = healpy.pix2ang(nside, np.repeat(strong, 2), lonlat=True)
    seps = np.tile([0.0, 0.2 - 0.1j], strong.size)
    sip = glass.healpix.ang2pix(nside, slon, slat, lonlat=True)
    assert np.array_equal(sip, np.repeat(strong, 2))
    g.add("strong.lon", slon)
    g.add("strong.lat", slat)
    add_complex(g, "strong.eps", seps)
    g.add("strong.ipix", sip)
    with np.errstate(divide="ignore", invalid="ignore"):
        sr = glass.galaxy_shear(slon, slat, seps, kappa, gamma1, gamma2)
        sp = glass.galaxy_shear(slon, slat, seps, kappa, gamma1, gamma2, reduced_shear=False)
    add_complex(g, "strong.reduced", sr)
    add_complex(g, "strong.plain", sp)
    for i in range(sr.size):
        k, gm = kappa[sip[i]], gamma1[sip[i]] + 1j * gamma2[sip[i]]
        print(f"  strong kappa={k!r} gamma={gm!r} eps={seps[i]!r}: reduced -> {sr[i]!r} |.|={abs(sr[i])!r}")
    g.write()


# --- shapes ------------------------------------------------------------------


class StubRng:
    """Returns fixed arrays from `uniform`, checking GLASS's call order."""

    def __init__(self, draws) -> None:
        self.draws = list(draws)

    def uniform(self, low, high, size):
        lo, hi, arr = self.draws.pop(0)
        assert (low, high) == (lo, hi), (low, high)
        want = size if isinstance(size, tuple) else (size,)
        assert arr.shape == tuple(want), (arr.shape, size)
        return arr.copy()


def gen_shapes() -> None:
    g = Golden("shapes", SCRIPT)
    g.note("triaxial.<case>: u_cos = uniform(-1, 1) draws (cos theta), u_phi = uniform(0, 2 pi) draws (phi)")
    g.note("samples.* are GLASS draws rounded to 6 significant digits (for two-sample KS tests);")
    g.note("|e| is not stored (it is hypot(re, im)), to keep the file under 1.5 MB")
    rng = np.random.default_rng(5150)
    two_pi = 2 * math.pi

    def uniforms(shape):
        uc = rng.uniform(-1.0, 1.0, size=shape)
        up = rng.uniform(0.0, two_pi, size=shape)
        return uc, up

    cases = {}
    uc, up = uniforms(64)
    uc[:8] = [-1.0, 0.0, 1.0, 0.5, -0.5, 1.0, 0.0, -1.0]
    up[:8] = [0.0, 0.0, 0.0, math.pi / 2, math.pi, two_pi, 3 * math.pi / 2, math.pi / 4]
    cases["scalar"] = (0.8, 0.4, 64, uc, up)
    zeta = rng.uniform(0.3, 1.0, size=64)
    xi = zeta * rng.uniform(0.0, 1.0, size=64)
    zeta[:4] = [1.0, 1.0, 0.5, 0.7]
    xi[:4] = [1.0, 0.3, 0.5, 0.0]
    uc, up = uniforms(64)
    cases["array"] = (zeta, xi, None, uc, up)
    zeta2 = np.linspace(0.6, 1.0, 8).reshape(8, 1)
    xi2 = np.linspace(0.1, 0.55, 8).reshape(1, 8)
    uc, up = uniforms((8, 8))
    cases["broadcast"] = (zeta2, xi2, None, uc, up)
    uc, up = uniforms((5, 4))
    cases["size2d"] = (0.9, 0.2, (5, 4), uc, up)
    for name, (zt, x, size, uc, up) in cases.items():
        stub = StubRng([(-1.0, 1.0, uc), (0.0, two_pi, up)])
        q = glass.triaxial_axis_ratio(zt, x, size=size, rng=stub, xp=np)
        assert not stub.draws
        g.add(f"triaxial.{name}.zeta", zt)
        g.add(f"triaxial.{name}.xi", x)
        g.add(f"triaxial.{name}.u_cos", uc)
        g.add(f"triaxial.{name}.u_phi", up)
        g.add(f"triaxial.{name}.q", q)

    def r6(a):
        return np.array([float(f"{v:.6g}") for v in np.ravel(a)]).reshape(np.shape(a))

    n = 20000
    e = glass.ellipticity_gaussian(n, 0.3, rng=np.random.default_rng(101), xp=np)
    g.add("samples.gaussian.re", r6(e.real))
    g.add("samples.gaussian.im", r6(e.imag))
    e = glass.ellipticity_intnorm(n, 0.26, rng=np.random.default_rng(202), xp=np)
    g.add("samples.intnorm.re", r6(e.real))
    g.add("samples.intnorm.im", r6(e.imag))
    e = glass.ellipticity_ryden04(-2.2, 0.5, 0.1, 0.15, size=n, rng=np.random.default_rng(303), xp=np)
    g.add("samples.ryden04.re", r6(e.real))
    g.add("samples.ryden04.im", r6(e.imag))
    q = glass.triaxial_axis_ratio(0.8, 0.4, size=n, rng=np.random.default_rng(404), xp=np)
    g.add("samples.triaxial.q", r6(q))
    g.write()


def main() -> None:
    gen_lensing()
    gen_points()
    gen_galaxies()
    gen_shapes()


if __name__ == "__main__":
    main()
