"""Run the benchmarks: every one in turn, or the one named, with its own options.

python -m tests.bench                       # all of them (make bench)
python -m tests.bench search --repeat 3     # tests/bench/bench_search.py --repeat 3
python -m tests.bench load --seconds 5      # tests/bench/bench_load.py, a short smoke run
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n\nbenchmarks: " + ", ".join(names))
        return
    if args and not args[0].startswith("-"):
        if args[0] not in names:
            sys.exit(f"no benchmark {args[0]!r}; there are: {', '.join(names)}")
        chosen, options = [args[0]], args[1:]
    else:
        chosen, options = names, args
    for name in chosen:
        print(f"== bench_{name}", flush=True)
        sys.argv = [f"bench_{name}", *options]
        runpy.run_module(f"tests.bench.bench_{name}", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
