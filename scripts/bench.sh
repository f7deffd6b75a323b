#!/usr/bin/env bash
# Speed and memory of helm-audit on the shared corpus, built as users get it (the
# `dist` profile: release with whole-program LTO, see Cargo.toml; a few minutes to build):
#   1. render of every corpus case, 2. full audit of the corpus (load + render + rules),
#      both single-threaded, from `cargo bench --profile dist --bench corpus`;
#   3. `helm-audit repo` over a 1,000-archive repository built from the corpus archives
#      (copies under new names/versions, Chart.yaml rewritten inside each .tgz),
#      with --jobs 1 and --jobs 2: charts/s, per-phase time, peak RSS.
#   scripts/bench.sh [N_ARCHIVES]      (BENCH_ROUNDS=3 for the cargo bench part)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
n=${1:-1000}
[ -d "$corpus/charts" ] || { echo "no corpus at $corpus" >&2; exit 1; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --profile dist -q
cargo bench --profile dist -q --bench corpus 2>/dev/null | grep -E '^(render|audit) corpus'

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
python3 - "$corpus/charts" "$repo" "$n" <<'PY'
import gzip, io, re, sys, tarfile, pathlib
src, dst, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
archives = sorted(src.glob("*.tgz"))
blobs = [p.read_bytes() for p in archives]
for i in range(n):
    k = i % len(archives)
    tin = tarfile.open(fileobj=io.BytesIO(blobs[k]), mode="r:gz")
    out = io.BytesIO()
    tout = tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT)
    name = version = None
    for m in tin.getmembers():
        data = tin.extractfile(m).read() if m.isfile() else None
        parts = m.name.split("/")
        if data is not None and len(parts) == 2 and parts[1] == "Chart.yaml":
            text = data.decode("utf-8", "replace")
            base = re.search(r"(?m)^name:\s*['\"]?([^'\"\s]+)", text).group(1)
            name = f"{base}-r{i // len(archives)}"
            version = f"{1 + i // len(archives)}.{k}.0"
            text = re.sub(r"(?m)^name:.*$", f"name: {name}", text, count=1)
            text = re.sub(r"(?m)^version:.*$", f"version: {version}", text, count=1)
            data = text.encode()
            m.size = len(data)
        tout.addfile(m, io.BytesIO(data) if data is not None else None)
    tout.close()
    (dst / f"{name}-{version}.tgz").write_bytes(gzip.compress(out.getvalue(), 6))
PY
echo "== repository: $(ls "$repo" | wc -l) archives, $(du -sh "$repo" | cut -f1)"
for jobs in 1 2; do
  log=$(mktemp)
  start=$(date +%s.%N)
  HELM_AUDIT_TIMINGS=1 /usr/bin/time -v target/dist/helm-audit repo "$repo" --jobs "$jobs" \
    --format json --output /dev/null --fail-on never 2>"$log" || true
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  phases=$(grep '^timings' "$log" || echo "timings: n/a")
  printf 'repo --jobs %s: %d archives in %.2f s, %.1f charts/s, peak RSS %d MiB\n  %s\n' \
    "$jobs" "$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$((rss / 1024))" "$phases"
  grep -E '^(Error|thread)' "$log" || true
  rm -f "$log"
done
