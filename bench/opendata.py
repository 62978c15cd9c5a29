"""Benchmark: every grant as 360Giving JSON, streamed and validated grant by grant.

    python -m bench.opendata                # N = 1,000 and 10,000
    python -m bench.opendata --n 2000

For each N a throwaway SQLite database is built with `flask db upgrade` and seeded with N
signed grants, each with a paid pre-financing (the reports benchmark's seed). Each
measurement runs in a fresh child process: the export alone (the JSON package written and
every grant checked against the official schema, as the publication does), with its time,
the Python heap peak (tracemalloc) and the growth of the process' peak RSS. Flat memory
means the same peak at 1,000 and 10,000 grants. Target: 10,000 grants in under 5 s.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.reports import _app, build_database, seed

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def prepare(database: str, files: str, n: int) -> None:
    seed(database, files, n)
    from sqlalchemy import text

    from app.core.extensions import db

    with _app(database, files).app_context():
        # The reports seed leaves signature times empty; a published grant has one.
        db.session.execute(text("UPDATE grants SET signed_at = prepared_at"))
        db.session.commit()


def measure(database: str, files: str, traced: bool) -> dict:
    from app.opendata.services.publication import write_360giving

    app = _app(database, files)
    with app.app_context():
        out = Path(files) / "bench-360giving.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        before = _peak_rss_mb()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        count, errors = write_360giving(out)
        seconds = time.perf_counter() - started
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        tracemalloc.stop()
        package = json.loads(out.read_text())
        assert len(package["grants"]) == count and not errors, errors[:3]
        return {"grants": count, "seconds": seconds, "heap_peak_mb": heap,
                "rss_growth_mb": _peak_rss_mb() - before, "bytes": out.stat().st_size}


def _child(database: str, files: str, traced: bool) -> dict:
    command = [sys.executable, "-m", "bench.opendata", "--child", "--database", database,
               "--files", files] + (["--traced"] if traced else [])
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="opencall-bench-") as folder:
        files = str(Path(folder) / "files")
        database = build_database(Path(folder))
        subprocess.run([sys.executable, "-m", "bench.opendata", "--seed", str(n),
                        "--database", database, "--files", files], cwd=ROOT, check=True,
                       capture_output=True)
        timed = _child(database, files, traced=False)
        traced = _child(database, files, traced=True)
        return {**timed, "heap_peak_mb": traced["heap_peak_mb"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--database")
    parser.add_argument("--files")
    args = parser.parse_args()
    if args.seed:
        prepare(args.database, args.files, args.seed)
        return
    if args.child:
        print(json.dumps(measure(args.database, args.files, args.traced)))
        return
    print("360Giving export (JSON streamed, each grant validated against the official schema)")
    for n in args.n:
        result = run(n)
        print(f"  {result['grants']:>6} grants: {result['seconds']:.2f} s, "
              f"{result['bytes'] / 2**20:.1f} MB written, Python heap peak "
              f"{result['heap_peak_mb']:.1f} MB, RSS growth {result['rss_growth_mb']:.1f} MB")


if __name__ == "__main__":
    main()
