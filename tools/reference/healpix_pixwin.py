#!/usr/bin/env python3
"""Ship healpy's pixel window functions with glass-healpix, so that
``pixwin`` needs no download and no healpy.

healpy 1.20.1 does not install the tables; ``hp.pixwin`` downloads
``pixel_window_functions/pixel_window_n{nside:04d}.fits`` from healpy-data
through astropy (which fails offline). The same files are in Debian's
``healpy-data`` package (1.16.1-1, from the Debian registry):

    cd /tmp && apt-get download healpy-data && dpkg -x healpy-data_*.deb hpdata
    /tmp/venv/bin/python tools/reference/healpix_pixwin.py /tmp/hpdata/usr/share/healpy/data

For nside = 2, 4, ..., 8192 (there is no nside-1 table) each file holds one
binary table with columns TEMPERATURE and POLARIZATION, ``4 nside + 1``
values each (l = 0 .. 4 nside). This script writes both columns, T then P,
as raw little-endian float64 to ``healpix/data/pixwin_n{nside:04d}.f64``,
which ``glass_healpix::pixwin`` embeds. The golden test compares the result
with ``hp.pixwin(nside, pol=True, datapath=...)`` (healpix_golden.py
--pixwin-only --pixwin-datapath DIR, where DIR/pixel_window_functions holds
the same files).
"""

import pathlib
import sys

import numpy as np
from astropy.io import fits

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "healpix" / "data"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = pathlib.Path(sys.argv[1])
    total = 0
    for k in range(1, 14):
        nside = 2**k
        with fits.open(src / f"pixel_window_n{nside:04d}.fits") as hdul:
            cols = hdul[1].data
            t = np.asarray(cols.field(0), dtype="<f8").ravel()
            p = np.asarray(cols.field(1), dtype="<f8").ravel()
        assert t.shape == p.shape == (4 * nside + 1,), (nside, t.shape, p.shape)
        path = OUT / f"pixwin_n{nside:04d}.f64"
        path.write_bytes(np.concatenate([t, p]).tobytes())
        total += path.stat().st_size
        print(f"{path.relative_to(ROOT)}: 2 x {t.size} values")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
