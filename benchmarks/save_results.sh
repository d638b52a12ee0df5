#!/usr/bin/env bash
# Copy the small, quotable part of results/ (git-ignored) into benchmarks/results/:
# the tables, per-seed summaries, and the paper-MLP runs themselves (minutes each, kept
# so a later session resumes them: copy them back into results/ first).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=benchmarks/results
mkdir -p "$dest"
cp results/sample_efficiency/table.md "$dest/sample_efficiency.md" 2>/dev/null || true
cp results/speed.log "$dest/speed.log" 2>/dev/null || true
cp results/compare_at_500.md "$dest/compare_at_500.md" 2>/dev/null || true
cp results/nb101_speed.log "$dest/nb101_speed.log" 2>/dev/null || true
if [ -d results/nb101_sample_efficiency ]; then
  mkdir -p "$dest/nb101_sample_efficiency"
  cp results/nb101_sample_efficiency/table.md "$dest/nb101_sample_efficiency/" 2>/dev/null || true
  for study in results/nb101_sample_efficiency/*/; do
    mkdir -p "$dest/${study#results/}"
    cp "$study"/study.json "$study"/seeds.csv "$study"/report.md "$dest/${study#results/}" 2>/dev/null || true
  done
fi
for study in results/sample_efficiency/*/*/; do
  rel=${study#results/}
  mkdir -p "$dest/$rel"
  cp "$study"/study.json "$study"/seeds.csv "$dest/$rel" 2>/dev/null || true
  case "$study" in
    *weaknas-mlp-paper*)
      for seed in "$study"seeds/*/; do
        [ -f "$seed/summary.json" ] || continue
        mkdir -p "$dest/${seed#results/}"
        cp "$seed/summary.json" "$seed/evaluations.parquet" "$dest/${seed#results/}"
      done ;;
  esac
done
