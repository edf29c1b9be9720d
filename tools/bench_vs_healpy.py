#!/usr/bin/env python3
"""Side-by-side timing of glass-rs's transforms against healpy, on this
machine, in one run: prints the median seconds of each and the ratio
glass/healpy (below 1: glass is faster).

Usage (healpy in a virtual environment, see tools/reference/README.md):

    cargo build --release -p glass-cli
    /tmp/venv/bin/python tools/bench_vs_healpy.py [--threads 1] [--repeat 5] \
        [--nside 128 256 512 1024] [--backend ndarray]

Both sides get the same thread count (OMP_NUM_THREADS for healpy,
RAYON_NUM_THREADS for glass); lmax = 2 nside. The glass time is the
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
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import healpy as hp  # after OMP_NUM_THREADS
    import numpy as np

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
                t_hp, t_gl = [], []
                for _ in range(reps):
                    t = time.perf_counter()
                    py()
                    t_hp.append(time.perf_counter() - t)
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
                print(f"nside {nside:5d} {name:18s} healpy {hp_med:8.4f}s  glass {gl_med:8.4f}s  ratio {gl_med / hp_med:5.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
