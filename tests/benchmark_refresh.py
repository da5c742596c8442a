"""Benchmark (not a test): generate N applications, refresh, print time per step and peak memory.

    uv run python tests/benchmark_refresh.py --applications 100000
    uv run python tests/benchmark_refresh.py --applications 100000 --engines duckdb,spark

Numbers go in release notes and issue notes; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestration.engine import ENGINE_ENV, ENGINES  # noqa: E402
from orchestration.generate import generate_export  # noqa: E402
from orchestration.refresh import run_refresh, show_progress  # noqa: E402


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the export and warehouse here")
    parser.add_argument(
        "--engines",
        default="duckdb",
        help=f"comma-separated engines to refresh with, one warehouse each ({', '.join(ENGINES)})",
    )
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := set(engines) - set(ENGINES):
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    root = args.workdir or Path(tempfile.mkdtemp(prefix="hiring-bench-"))
    exports = root / "exports"

    started = time.perf_counter()
    written = generate_export(exports, applications=args.applications, seed=args.seed)
    generate_s = time.perf_counter() - started
    size_mb = sum(p.stat().st_size for p in exports.rglob("*") if p.is_file()) / 1e6

    show_progress()  # per-step progress on stderr; the numbers below on stdout
    print(f"\nbenchmark: {args.applications:,} applications, seed {args.seed}, in {root}")
    print(
        f"  generate            {generate_s:8.1f} s  ({sum(written.values()):,} rows, {size_mb:.1f} MB)"
    )
    published = True
    for engine in engines:
        os.environ[ENGINE_ENV] = engine
        print(f"engine {engine}")
        published &= _bench(exports, root / f"warehouse-{engine}")
    return 0 if published else 1


def _bench(exports: Path, warehouse: Path) -> bool:
    first = run_refresh(exports, warehouse)
    second = run_refresh(exports, warehouse)  # same files: every file unchanged
    print(f"  refresh (cold)      {first.seconds:8.1f} s  published={first.published}")
    for step, seconds in first.step_seconds.items():
        print(f"    {step:<17} {seconds:8.1f} s")
    print(f"  refresh (no change) {second.seconds:8.1f} s  rows loaded={second.rows_loaded}")
    print(f"  rows loaded         {first.rows_loaded:>10,}  quarantined {first.rows_quarantined:,}")
    # dbt runs as a subprocess forked from this one, so its ru_maxrss would only
    # repeat ours; this is the peak of the refresh process (ingest, validation, publish).
    print(f"  peak memory         {_peak_mb(resource.RUSAGE_SELF):8.0f} MB (refresh process)")
    db = warehouse / "warehouse.duckdb"
    print(f"  warehouse.duckdb    {db.stat().st_size / 1e6:8.1f} MB")
    return first.published


if __name__ == "__main__":
    sys.exit(main())
