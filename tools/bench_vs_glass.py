#!/usr/bin/env python3
"""Times Python GLASS and glass-rs on the same science inputs, alternately,
in one run on one machine, and prints the ratio glass-rs / Python.

Cases (the performance targets of issue 4): ``solve_gaussian_spectra`` for
10 lognormal shells of ``redshift_grid(0, 1, dz=0.1)`` with
``discretized_cls(ncorr=3)`` at lmax 256 and 1024; ``cltocorr`` and
``corrtocl`` at n = 1024 and 4096; ``partition`` (nnls) of a Smail n(z) into
30 shells. The inputs are the formulas of ``benches/src/science.rs``, written
again here.

Usage, from the repository root (Python GLASS from the virtual environment
of tools/reference/README.md)::

    cargo build --release -p glass-benches --example science_timing
    /tmp/venv/bin/python tools/bench_vs_glass.py [--threads 1] [--rounds 3]

``--threads`` sets RAYON_NUM_THREADS for glass-rs and OMP/OpenBLAS threads
for Python (set before NumPy loads).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXE = ROOT / "target" / "release" / "examples" / "science_timing"

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--cases", default="")
args = ap.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import transformcl  # noqa: E402

import glass  # noqa: E402


def shell_spectra(nfields, lmax, r=0.5, amp=0.02):
    ell = np.arange(lmax + 1, dtype=float)
    autos = []
    for i in range(nfields):
        cl = amp * (1 + 0.2 * i) / (1 + ell / (20 + 5 * i)) ** 2.5 / (1 + ell) ** 0.5
        cl[0] = 0.0
        autos.append(cl)
    return [
        r ** (i - j) * np.sqrt(autos[i] * autos[j])
        for i in range(nfields)
        for j in range(i, -1, -1)
    ]


def transform_input(n):
    ell = np.arange(n, dtype=float)
    return (1.0 + np.cos(0.3 * ell)) / (1.0 + ell) ** 2


def python_case(name):
    kind, size = name.rsplit("_", 1)
    size = int(size)
    if kind == "solve_gaussian_spectra":
        shells = glass.tophat_windows(glass.redshift_grid(0.0, 1.0, dz=0.1), dz=1e-3)
        fields = glass.lognormal_fields(shells)
        cls = shell_spectra(len(shells), size)
        spectra = glass.discretized_cls(cls, lmax=size, ncorr=3)
        return lambda: glass.solve_gaussian_spectra(fields, spectra)
    if kind == "cltocorr":
        x = transform_input(size)
        return lambda: transformcl.cltocorr(x)
    if kind == "corrtocl":
        x = transform_input(size)
        return lambda: transformcl.corrtocl(x)
    if kind == "partition":
        z = np.linspace(0.0, 3.0, 301)
        fz = glass.smail_nz(z, 1.0, 2.0, 1.5)
        shells = glass.tophat_windows(np.linspace(0.0, 3.0, size + 1), dz=1e-3)
        return lambda: glass.partition(z, fz, shells)
    raise SystemExit(f"unknown case {name}")


def time_python(f, repeat):
    f()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def time_rust(name, repeat):
    env = dict(os.environ, RAYON_NUM_THREADS=str(args.threads))
    out = subprocess.run(
        [str(EXE), name, str(repeat)], env=env, capture_output=True, text=True, check=True
    ).stdout
    line = [x for x in out.splitlines() if x.startswith("median_seconds=")][-1]
    return float(line.split("=", 1)[1])


CASES = {
    "solve_gaussian_spectra_256": 5,
    "solve_gaussian_spectra_1024": 3,
    "cltocorr_1024": 50,
    "cltocorr_4096": 20,
    "corrtocl_1024": 50,
    "corrtocl_4096": 20,
    "partition_30": 20,
}
if args.cases:
    CASES = {k: v for k, v in CASES.items() if k in args.cases.split(",")}
if not EXE.exists():
    sys.exit(f"{EXE} not found: cargo build --release -p glass-benches --example science_timing")

print(f"threads={args.threads} rounds={args.rounds} (medians; ratio = glass-rs / Python)")
print(f"{'case':30s} {'python s':>11s} {'glass-rs s':>11s} {'ratio':>8s} {'speed-up':>9s}")
for name, repeat in CASES.items():
    f = python_case(name)
    py, rs = [], []
    for _ in range(args.rounds):
        py.append(time_python(f, repeat))
        rs.append(time_rust(name, repeat))
    p, r = statistics.median(py), statistics.median(rs)
    print(f"{name:30s} {p:11.6f} {r:11.6f} {r / p:8.3f} {p / r:8.1f}x", flush=True)
