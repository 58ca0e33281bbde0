#!/usr/bin/env bash
# Same file, same run: stock WeightWatcher (the harness in shared/peers/weightwatcher, set up with
# `bash setup.sh`) vs `./loupe inspect`, whole processes (interpreter / JVM start included), with the
# load average before each. Alphas are joined on the layer key and compared.
#   WW_HARNESS=/path/to/weightwatcher bash loupe-cli/bench/ww_vs_loupe.sh FILE.safetensors [loupe options...]
set -euo pipefail
file=$(readlink -f "$1"); shift
root=$(cd "$(dirname "$0")/../.." && pwd)
harness=${WW_HARNESS:-$root/../shared/peers/weightwatcher}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC1091
source "$harness/env.sh"
# seconds of a whole command; its stdout goes to the file $OUTFILE
secs() { local t0; t0=$(date +%s.%N); "$@" >"$OUTFILE"; echo "$(date +%s.%N) - $t0" | bc; }
echo "load before WeightWatcher: $(cut -d' ' -f1-3 /proc/loadavg)"
OUTFILE=/dev/null
ww=$(secs "$WW_PY" "$harness/ww_analyze.py" "$file" --config default --out "$out/ww" --tag x)
echo "load before loupe:         $(cut -d' ' -f1-3 /proc/loadavg)"
loupe=${LOUPE:-$root/loupe} # e.g. a copy of the built CLI while sources change
"$loupe" --version >/dev/null # build the CLI first if sources changed (not timed)
OUTFILE=$out/loupe.csv
lp=$(secs "$loupe" inspect --csv "$file" "$@")
echo "load after:                $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'WeightWatcher %.1f s, loupe inspect %s %.1f s: %.2fx\n' "$ww" "$*" "$lp" "$(echo "$ww / $lp" | bc -l)"
"$WW_PY" - "$out/ww/x.default.csv" "$out/loupe.csv" <<'PY'
import csv, sys
ww = {r["key"]: float(r["alpha"]) for r in csv.DictReader(open(sys.argv[1]))}
lo = {}
for r in csv.DictReader(open(sys.argv[2])):
    lo[r["key"]] = r
for k, a in ww.items():
    r = lo.get(k)
    la = float(r["alpha"]) if r else float("nan")
    notes = (r.get("notes") or "") if r else "missing"
    print(f"  {k}: WW alpha {a:.6f}, loupe {la:.6f}, diff {la - a:+.2e} {notes[:100]}")
PY
