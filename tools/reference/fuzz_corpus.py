"""Seed files of the fuzz test (host/tests/fuzz.rs): small valid .npy
files written by NumPy and FITS files written by healpy and fitsio, which
the test mutates. Run from the repository root with the venv of
../shared/anchors/README.md:

    /tmp/venv/bin/python tools/reference/fuzz_corpus.py
"""

import os

import fitsio
import healpy as hp
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "..", "host", "tests", "fuzz-corpus")
os.makedirs(out, exist_ok=True)
os.chdir(out)
np.save("f64_1d.npy", np.linspace(0, 1, 12))
np.save("c128_2d.npy", (np.arange(6) + 1j * np.arange(6)).reshape(2, 3))
np.save("i64_0d.npy", np.array(7, dtype=np.int64))
np.save("f64_fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
with open("f64_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.arange(4.0), version=(2, 0))
np.save("f32_1d.npy", np.zeros(3, np.float32))
hp.write_map("map_nside1.fits", [np.arange(12.0), np.ones(12)], dtype=np.float32, overwrite=True)
t = np.zeros(5, dtype=[("RA", "f8"), ("DEC", "f8"), ("Z", "f4"), ("TOMO_BIN", "i8"), ("E", "f8", (2,))])
t["RA"] = np.arange(5)
fitsio.write("table.fits", t, clobber=True, extname="GALAXIES")
