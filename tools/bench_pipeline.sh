#!/usr/bin/env bash
# The simulation loop of glass-rs against Python GLASS, side by side on this
# machine: ../shared/anchors/bench_pipeline.py (sim mode),
# benches/examples/pipeline.rs (the library loop) and `glass run` end to end
# on the equivalent config (tools/bench_run.toml: the same shells, spectra
# and galaxies, every output and figure written), on the same CAMB spectra,
# alternating the programs, for each nside and thread count. `glass run` is
# timed from outside (/usr/bin/time: wall seconds and peak RSS of the
# whole process, reading spectra, solving the Gaussian spectra, writing
# the outputs and figures included). Prints one JSON line per run
# and writes them to $OUT (default /tmp/bench_pipeline.jsonl); the table in
# benches/README.md is made from them.
#
#   tools/bench_pipeline.sh [NSIDES] [THREADS] [REPEATS]
#   defaults: "128 256 512" "1 2" 3
#
# Needs: a venv with Python GLASS and CAMB (PY, default /tmp/venv/bin/python;
# see ../shared/anchors/README.md) and healpy's data primed offline
# (XDG_CACHE_HOME, default /tmp/healpy-cache, by prime_healpy_cache.py).
set -euo pipefail
cd "$(dirname "$0")/.."
NSIDES=${1:-"128 256 512"}
THREADS=${2:-"1 2"}
REPEATS=${3:-3}
PY=${PY:-/tmp/venv/bin/python}
ANCHORS=${GLASS_ANCHORS:-$(cd ../shared/anchors && pwd)}
OUT=${OUT:-/tmp/bench_pipeline.jsonl}
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-/tmp/healpy-cache}
cargo build --release -q -p glass-benches --example pipeline
cargo build --release -q -p glass-cli
RUST=target/release/examples/pipeline
GLASS=target/release/glass
RUNDIR=$(mktemp -d)
: > "$OUT"
for nside in $NSIDES; do
  lmax=$((2 * nside))
  cls="$ANCHORS/cls_nside${nside}_lmax${lmax}.npz"
  for t in $THREADS; do
    # Python first, then Rust; each reports its own peak RSS
    py_json=$(mktemp)
    env OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS=1 GLASS_ANCHORS="$ANCHORS" \
      "$PY" "$ANCHORS/bench_pipeline.py" sim --nside "$nside" --repeats "$REPEATS" \
      --out "$py_json" > /dev/null
    "$PY" - "$py_json" "$t" >> "$OUT" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
m = r["median"]
print(json.dumps({"program": "python-glass", "nside": r["nside"], "threads": int(sys.argv[2]),
                  "ngal": r["ngal_total"][0], "loop_total": m["loop_total"],
                  "generate": m["generate"], "lensing": m["lensing"], "galaxies": m["galaxies"],
                  "peak_rss_mib": r["peak_rss_mib_getrusage"]}))
PYEOF
    rm -f "$py_json"
    RAYON_NUM_THREADS=$t "$RUST" "$cls" "$nside" "$REPEATS" 2>/dev/null | "$PY" -c '
import json, sys
r = json.loads(sys.stdin.read())
m = r["median"]
print(json.dumps({"program": "glass-rs", "nside": r["nside"], "threads": r["threads"], "ngal": r["ngal"],
                  "loop_total": m["loop_total"], "generate": m["generate"],
                  "lensing": m["lensing_add_window"] + m["lensing_from_convergence"],
                  "galaxies": m["gal_positions"] + m["gal_redshifts"] + m["gal_ellipticity"] + m["gal_shear"],
                  "peak_rss_mib": r["peak_rss_mib"]}))' >> "$OUT"
    sed "s|@CLS@|$cls|; s|@NSIDE@|$nside|; s|@LMAX@|$lmax|" tools/bench_run.toml > "$RUNDIR/run.toml"
    walls=()
    rss=0
    for _ in $(seq "$REPEATS"); do
      /usr/bin/time -f "%e %M" -o "$RUNDIR/time" "$GLASS" --threads "$t" run -q --overwrite \
        --output "$RUNDIR/out" "$RUNDIR/run.toml"
      read -r w m < "$RUNDIR/time"
      walls+=("$w")
      if [ "$m" -gt "$rss" ]; then rss=$m; fi
    done
    ngal=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(r["realisations"][0]["galaxies"].values()))' "$RUNDIR/out/run.json")
    wall=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (REPEATS + 1) / 2 ))p")
    echo "{\"program\": \"glass-run\", \"nside\": $nside, \"threads\": $t, \"ngal\": $ngal, \"wall\": $wall, \"peak_rss_mib\": $(( rss / 1024 ))}" >> "$OUT"
    du -sh "$RUNDIR/out" >&2
    tail -n 3 "$OUT"
  done
done
rm -rf "$RUNDIR"
