#!/usr/bin/env python3
"""Side-by-side timing of glass-rs's transforms against healpy and ducc0
(the fastest CPU implementation, libsharp's successor), on this machine,
in one run: prints the median seconds of each and the ratios glass/healpy
and glass/ducc0 (below 1: glass is faster).

Usage (healpy and ducc0 in a virtual environment, see
tools/reference/README.md; `pip install healpy ducc0`):

    cargo build --release -p glass-cli
    /tmp/venv/bin/python tools/bench_vs_healpy.py [--threads 1] [--repeat 5] \
        [--nside 128 256 512 1024] [--backend ndarray] [--no-ducc0]

All get the same thread count (OMP_NUM_THREADS for healpy, `nthreads`
for ducc0, RAYON_NUM_THREADS for glass); lmax = 2 nside. ducc0 runs on
the HEALPix ring geometry (`Healpix_Base.sht_info()`): `synthesis` for
alm2map and the spin-2 synthesis, `adjoint_synthesis` times the pixel area
for map2alm with iter 0 (healpy's definition; no iter-3 column). The glass time is the
transform alone (`--repeat 3`'s `median_seconds`: the first run also builds the plan),
without file I/O; healpy is
timed around the call. Runs alternate between the two to spread machine
noise evenly.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--nside", type=int, nargs="+", default=[128, 256, 512, 1024])
    ap.add_argument("--backend", default="ndarray")
    ap.add_argument("--glass", default=str(ROOT / "target" / "release" / "glass"))
    ap.add_argument("--no-ducc0", action="store_true", help="healpy and glass only")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import healpy as hp  # after OMP_NUM_THREADS
    import numpy as np

    ducc0 = None
    if not args.no_ducc0:
        import ducc0

    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads), GLASS_BACKEND=args.backend)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for nside in args.nside:
            lmax = 2 * nside
            n = hp.Alm.getsize(lmax)
            i = np.arange(n, dtype=np.float64)
            ell = np.concatenate([np.arange(m, lmax + 1) for m in range(lmax + 1)]).astype(float)
            alm = (np.cos(0.37 * i) + 1j * np.sin(0.11 * i)) / (1.0 + ell)
            alm[: lmax + 1] = alm[: lmax + 1].real
            m = hp.alm2map(alm, nside, lmax=lmax)
            np.save(tmp / "alm.npy", alm)
            np.save(tmp / "map.npy", m)
            np.save(tmp / "eb.npy", np.stack([alm, alm]))
            nt = args.threads
            if ducc0 is not None:
                geom = ducc0.healpix.Healpix_Base(nside, "RING").sht_info()
                area = 4 * np.pi / (12 * nside * nside)
                alm1, eb, m1 = alm.reshape(1, -1), np.stack([alm, alm]), m.reshape(1, -1)
                du = {
                    "alm2map": lambda: ducc0.sht.synthesis(alm=alm1, lmax=lmax, spin=0, nthreads=nt, **geom),
                    "map2alm iter0": lambda: area
                    * ducc0.sht.adjoint_synthesis(map=m1, lmax=lmax, spin=0, nthreads=nt, **geom),
                    "alm2map_spin s=2": lambda: ducc0.sht.synthesis(alm=eb, lmax=lmax, spin=2, nthreads=nt, **geom),
                }
            else:
                du = {}
            cases = {
                "alm2map": (
                    lambda: hp.alm2map(alm, nside, lmax=lmax),
                    ["sht", "alm2map", "--nside", str(nside), "--lmax", str(lmax), "alm.npy", "out.npy"],
                ),
                "map2alm iter0": (
                    lambda: hp.map2alm(m, lmax=lmax, iter=0),
                    ["sht", "map2alm", "--lmax", str(lmax), "--iter", "0", "map.npy", "out.npy"],
                ),
                "map2alm iter3": (
                    lambda: hp.map2alm(m, lmax=lmax, iter=3),
                    ["sht", "map2alm", "--lmax", str(lmax), "--iter", "3", "map.npy", "out.npy"],
                ),
                "alm2map_spin s=2": (
                    lambda: hp.alm2map_spin([alm, alm], nside, 2, lmax),
                    ["sht", "alm2map-spin", "--spin", "2", "--nside", str(nside), "--lmax", str(lmax), "eb.npy", "out.npy"],
                ),
            }
            for name, (py, cli) in cases.items():
                if nside >= 1024 and name == "map2alm iter3" and args.repeat > 3:
                    reps = 3
                else:
                    reps = args.repeat
                t_hp, t_gl, t_du = [], [], []
                for _ in range(reps):
                    t = time.perf_counter()
                    py()
                    t_hp.append(time.perf_counter() - t)
                    if name in du:
                        t = time.perf_counter()
                        du[name]()
                        t_du.append(time.perf_counter() - t)
                    r = subprocess.run(
                        [args.glass] + cli + ["--repeat", "3"],
                        cwd=tmp, env=env, capture_output=True, text=True,
                    )
                    if r.returncode != 0:
                        print(r.stderr, file=sys.stderr)
                        return 1
                    last = r.stderr.strip().splitlines()[-1]
                    t_gl.append(float(last.split("=")[1]))
                hp_med = float(np.median(t_hp))
                gl_med = float(np.median(t_gl))
                rows.append((nside, name, hp_med, gl_med))
                line = f"nside {nside:5d} {name:18s} healpy {hp_med:8.4f}s  glass {gl_med:8.4f}s  ratio {gl_med / hp_med:5.2f}"
                if t_du:
                    du_med = float(np.median(t_du))
                    line += f"  ducc0 {du_med:8.4f}s  glass/ducc0 {gl_med / du_med:5.2f}"
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
