#!/usr/bin/env bash
# Same file, same run: stock WeightWatcher (the harness in shared/peers/weightwatcher, set up with
# `bash setup.sh`; copy it somewhere writable first) vs `./loupe inspect` (default options), whole
# processes (interpreter / JVM start included): wall and CPU seconds (user + sys, all threads) of each,
# with the load average before each. Alphas are joined on the layer key and compared.
#   WW_HARNESS=/path/to/weightwatcher bash loupe-cli/bench/ww_vs_loupe.sh FILE.safetensors [loupe options...]
# LOUPE=/path/to/a/loupe runs that CLI instead of ./loupe (e.g. a copy of the build while sources change).
# KEEP=DIR keeps both CSVs there (ww.csv, loupe.csv), e.g. for loupe-cli/bench/agreement.py's stored: reference.
# The untimed `loupe --version` first builds the CLI if sources changed and records its JVM AOT cache.
set -euo pipefail
file=$(readlink -f "$1"); shift
root=$(cd "$(dirname "$0")/../.." && pwd)
harness=${WW_HARNESS:-$root/../shared/peers/weightwatcher}
loupe=${LOUPE:-$root/loupe}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC1091
source "$harness/env.sh"
"$loupe" --version >/dev/null # builds the CLI first if sources changed (not timed)
echo "load before WeightWatcher: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -o "$out/ww.time" -f "%e %U %S" "$WW_PY" "$harness/ww_analyze.py" "$file" --config default --out "$out/ww" \
    --tag x >/dev/null 2>&1
echo "load before loupe:         $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -o "$out/loupe.time" -f "%e %U %S" "$loupe" inspect --csv "$file" "$@" >"$out/loupe.csv"
echo "load after:                $(cut -d' ' -f1-3 /proc/loadavg)"
read -r ww_wall ww_u ww_s <"$out/ww.time"
read -r lp_wall lp_u lp_s <"$out/loupe.time"
awk -v a="$ww_wall" -v b="$(echo "$ww_u + $ww_s" | bc)" -v c="$lp_wall" -v d="$(echo "$lp_u + $lp_s" | bc)" -v o="$*" \
    'BEGIN { printf "WeightWatcher %.1f s wall, %.1f s CPU; loupe inspect %s %.1f s wall, %.1f s CPU: %.2fx wall, %.2fx CPU\n", a, b, o, c, d, a / c, b / d }'
if [ -n "${KEEP:-}" ]; then
  mkdir -p "$KEEP" && cp "$out/ww/x.default.csv" "$KEEP/ww.csv" && cp "$out/loupe.csv" "$KEEP/loupe.csv"
fi
"$WW_PY" - "$out/ww/x.default.csv" "$out/loupe.csv" <<'PY'
import csv, sys
ww = {r["key"]: float(r["alpha"]) for r in csv.DictReader(open(sys.argv[1]))}
lo = {r["key"]: r for r in csv.DictReader(open(sys.argv[2]))}
for k, a in ww.items():
    r = lo.get(k)
    la = float(r["alpha"]) if r else float("nan")
    notes = (r.get("notes") or "") if r else "missing"
    print(f"  {k}: WW alpha {a:.6f}, loupe {la:.6f}, diff {la - a:+.2e} {notes[:100]}")
PY
