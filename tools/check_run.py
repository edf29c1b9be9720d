"""Opens every output of a `glass run` with the field's tools and checks it
against the run's own run.json.

    python tools/check_run.py glass-out

Needs: healpy, astropy, fitsio, glass (pip install healpy astropy fitsio
glass). Checks, for every file the run lists:

- the sha256 in run.json / realisation.json;
- FITS files: `astropy.io.fits.open(...).verify('exception')`;
- maps: `healpy.read_map(path, field=None)` reads every column, NSIDE and
  RING ordering from the header, and the mean and variance of each map
  match `map_moments` of realisation.json;
- catalogues: `fitsio.read` reads the table; the row count matches the
  galaxy count and every column's sum matches `column_sums`; RA in
  [0, 360), DEC in [-90, 90];
- spectra: `glass.load_cls` reads them; the number of spectra is n (n + 1)
  / 2 for the n shells, each of length lmax + 1.

Prints one line per check and exits 1 on any failure.
"""

import hashlib
import json
import sys
from pathlib import Path

import fitsio
import glass
import healpy as hp
import numpy as np
from astropy.io import fits

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def close(a, b, rtol=1e-9, atol=1e-12):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def main(out):
    out = Path(out)
    run = json.loads((out / "run.json").read_text())
    nshell = len(run["shells"])
    lmax = run["lmax"]
    nside = run["nside"]
    print(f"run: {nshell} shells, nside {nside}, lmax {lmax}, backend {run['backend']['name']}")
    failed = [r for r in run["realisations"] if r.get("status", "complete") != "complete"]
    for r in failed:
        print(f"note: r{r['realisation']:04d} failed ({r.get('error')}): not checked")
    run["realisations"] = [r for r in run["realisations"] if r not in failed]
    sums = dict(run["checksums"])
    for r in run["realisations"]:
        sums.update(r["checksums"])
    for rel, digest in sorted(sums.items()):
        check(sha256(out / rel) == digest, f"sha256 {rel}")
    for rel in sorted(sums):
        if rel.endswith(".fits"):
            with fits.open(out / rel) as hdul:
                try:
                    hdul.verify("exception")
                    check(True, f"astropy verify {rel}")
                except Exception as e:  # noqa: BLE001
                    check(False, f"astropy verify {rel}: {e}")
    for rel in sorted(sums):
        if rel.endswith(".npz"):
            cls = glass.load_cls(out / rel)
            n = len(cls)
            check(n == nshell * (nshell + 1) // 2, f"glass.load_cls {rel}: {n} spectra")
            # gls: pairs more than ncorr shells apart are empty (discretized_cls)
            empty_ok = rel == "gls.npz"
            check(
                all(len(c) == lmax + 1 or (empty_ok and len(c) == 0) for c in cls),
                f"glass.load_cls {rel}: every spectrum has lmax + 1 = {lmax + 1} values"
                + (" (or none, beyond ncorr)" if empty_ok else ""),
            )
    for r in run["realisations"]:
        rdir = f"r{r['realisation']:04d}"
        for i, moments in enumerate(r["map_moments"]):
            rel = f"{rdir}/maps/shell_{i:03d}.fits"
            if rel not in sums:
                continue
            maps, header = hp.read_map(out / rel, field=None, h=True, dtype=np.float64)
            header = dict(header)
            maps = np.atleast_2d(maps)
            names = list(moments)
            check(
                header.get("NSIDE") == nside and header.get("ORDERING") == "RING",
                f"healpy header {rel}: NSIDE {header.get('NSIDE')} {header.get('ORDERING')}",
            )
            with fits.open(out / rel) as hdul:
                cols = hdul[1].columns.names
            for k, name in enumerate(cols):
                m, v = moments[name]
                x = maps[k]
                check(
                    close(x.mean(), m, atol=1e-12) and close(x.var(), v, rtol=1e-8),
                    f"healpy.read_map {rel} {name}: mean {x.mean():.4g} var {x.var():.4g}",
                )
            check(sorted(cols) == sorted(names), f"{rel}: columns {cols}")
        for sample, n in r["galaxies"].items():
            rel = f"{rdir}/catalogue_{sample}.fits"
            if rel not in sums:
                continue
            cat = fitsio.read(out / rel)
            check(len(cat) == n, f"fitsio.read {rel}: {len(cat)} rows, run.json says {n}")
            for col, s in r["column_sums"][sample].items():
                got = float(np.sum(cat[col], dtype=np.float64))
                check(close(got, s, rtol=1e-9, atol=1e-6), f"fitsio {rel} sum {col}: {got:.10g}")
            check(
                bool(np.all((cat["RA"] >= 0) & (cat["RA"] < 360))
                     and np.all(np.abs(cat["DEC"]) <= 90)),
                f"{rel}: RA in [0, 360), DEC in [-90, 90]",
            )
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "glass-out"))
