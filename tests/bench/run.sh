#!/usr/bin/env bash
# `make bench`: runs every scenario of tests/bench/ and writes tests/bench/RESULTS.md.
# Each scenario is tests/bench/<name>/bench.py (Debian's python3); it measures its subjects side by
# side in one run, repeats each measurement (medians of >= 3) and writes one Markdown section. The
# figures that matter are ratios between subjects of the same run: absolute numbers on a shared
# 2-core machine drift from run to run, ratios much less.
#
#   tests/bench/run.sh BUILD_DIR            all scenarios, full size
#   BENCH_ONLY="aftersales failover" ...    a subset
#   BENCH_QUICK=1 ...                       small sizes: checks the harness, numbers mean little
#   BENCH_REPETITIONS=5 ...                 more repetitions (default 3)
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree

build=${1:?usage: tests/bench/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
bench="$root/tests/bench"
scenarios=${BENCH_ONLY:-aftersales controller profitshare failover}
repetitions=${BENCH_REPETITIONS:-3}
work=$(mktemp -d /tmp/orderops-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

quick=()
[[ -n ${BENCH_QUICK:-} ]] && quick=(--quick)

sections=()
failed=()
for name in $scenarios; do
  script="$bench/$name/bench.py"
  [[ -f $script ]] || { echo "make bench: no scenario $name ($script)" >&2; exit 2; }
  echo "== $name" >&2
  mkdir -p "$work/$name"
  started=$(date +%s)
  if /usr/bin/python3 "$script" --bin-dir "$build/bin" --work-dir "$work/$name" \
      --repetitions "$repetitions" --markdown "$work/$name.md" "${quick[@]}"; then
    sections+=("$work/$name.md")
  else
    failed+=("$name")
    printf '## %s\n\nThe scenario failed to run (exit status above in the `make bench` output); '\
'nothing it measured is reported.\n' "$name" >"$work/$name.md"
    sections+=("$work/$name.md")
  fi
  echo "== $name took $(( $(date +%s) - started )) s" >&2
done

results="$bench/RESULTS.md"
[[ -n ${BENCH_QUICK:-} ]] && results="$work/RESULTS.quick.md"
{
  echo "# OrderOps benchmark results"
  echo
  echo "Written by \`make bench\` (tests/bench/run.sh); do not edit by hand."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
  echo "| command | \`make bench\`${BENCH_ONLY:+ (BENCH_ONLY=\"$BENCH_ONLY\")}${BENCH_QUICK:+ (BENCH_QUICK=1)} |"
  echo "| commit | $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)') |"
  echo "| machine | $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| system | $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}') |"
  echo "| repetitions | $repetitions per measurement; medians reported |"
  echo
  echo "Every figure that is compared with a target is a ratio of two subjects measured side by side"
  echo "in this same run, interleaved repetition by repetition, so that the load of a shared machine"
  echo "falls on both alike."
  for s in "${sections[@]}"; do
    echo
    cat "$s"
  done
} >"$results.tmp"
mv "$results.tmp" "$results"
if [[ -n ${BENCH_QUICK:-} ]]; then
  cat "$results"  # a quick run checks the harness; its figures are not kept
else
  echo "make bench: wrote $results" >&2
fi
if ((${#failed[@]})); then
  echo "make bench: scenarios that failed to run: ${failed[*]}" >&2
  exit 1
fi
