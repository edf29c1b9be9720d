#!/usr/bin/env python3
"""Ship healpy's ring weights with glass-healpix, so that
``map2alm(..., use_weights=True)`` needs no download and no healpy.

healpy 1.20.1 installs ``healpy/data/weight_ring_n{nside:05d}.fits`` for
nside = 2, 4, ..., 8192 (one binary table, columns T, Q, U; ``2 nside``
values each, identical columns). This script writes the T column of each as
raw little-endian float64 to ``healpix/data/ring_weights_n{nside:05d}.f64``,
which ``glass_healpix::weights`` embeds with ``include_bytes!``. healpy uses
the pixel weight ``4 pi / npix * (1 + w[ring])`` for the ``2 nside`` northern
rings and their mirrors (checked by tools/reference/healpix_golden.py).

Run: /tmp/venv/bin/python tools/reference/healpix_ring_weights.py
"""

import pathlib

import healpy as hp
import numpy as np
from astropy.io import fits

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "healpix" / "data"

assert hp.__version__ == "1.20.1", hp.__version__


def main() -> None:
    src = pathlib.Path(hp.__file__).parent / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for k in range(1, 14):
        nside = 2**k
        with fits.open(src / f"weight_ring_n{nside:05d}.fits") as hdul:
            cols = hdul[1].data
            w = np.asarray(cols.field(0), dtype="<f8").ravel()
            for i in (1, 2):
                assert np.array_equal(w, np.asarray(cols.field(i), dtype="<f8").ravel())
        assert w.shape == (2 * nside,), (nside, w.shape)
        path = OUT / f"ring_weights_n{nside:05d}.f64"
        path.write_bytes(w.tobytes())
        total += path.stat().st_size
        print(f"{path.relative_to(ROOT)}: {w.size} values")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
