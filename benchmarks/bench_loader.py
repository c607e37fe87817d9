"""Loader time against a bare calamine read of the same 50,000-row tracker.

    python benchmarks/bench_loader.py [--rows 50000] [--repeat 5]

Builds (once, seeded) a tracker with 50,000 data lines in all (1,000 meetings,
24,500 problems, 24,500 actions, realistic values and a few text dates), then
times, in this process, best of N runs:
- baseline: python-calamine opening the file and reading every sheet to Python rows;
- loader: `loaders.load()` (sniffing, zip checks, formula scan, headers, validation, frames).
Prints both and the ratio; the aim is a ratio under 1.5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from domain.tracker_schema import SHEETS  # noqa: E402
from loaders import load  # noqa: E402

AS_OF = dt.date(2026, 11, 25)


def build_tracker(rows: int, seed: int = 57) -> bytes:
    rng = random.Random(seed)
    meetings_n = max(10, rows // 50)
    problems_n = (rows - meetings_n) // 2
    actions_n = rows - meetings_n - problems_n
    book = openpyxl.Workbook(write_only=True)
    communes = ["Forbach", "FORBACH", "Forbach"]
    categories = ["Nuisances sonores", "Rodéos motorisés", "trafic de stupéfiants", "Dépôts sauvages", "Stationnement gênant"]
    sheet = book.create_sheet("Réunions")
    sheet.append(["GPO Forbach – suivi"])
    sheet.append([c.label for c in SHEETS["meetings"].columns])
    start = AS_OF - dt.timedelta(days=meetings_n)
    for n in range(meetings_n):
        sheet.append([start + dt.timedelta(days=n), "Ordinaire", "Tenue", "Oui", "X", "Oui", "Moselis", rng.randint(4, 15), "RAS"])
    sheet = book.create_sheet("Problèmes")
    sheet.append([c.label for c in SHEETS["problems"].columns])
    for n in range(problems_n):
        reported = AS_OF - dt.timedelta(days=rng.randint(20, 900))
        resolved = rng.random() < 0.5
        sheet.append([f"P-{n + 1:05d}", reported if n % 10 else reported.strftime("%d/%m/%Y"), rng.choice(communes),
                      f"rue {rng.randint(1, 400)}", rng.choice(categories), f"Gêne n°{n} signalée par les riverains",
                      "Mairie", rng.choice(["Haute", "Moyenne", "Basse"]), "Résolu" if resolved else rng.choice(["Ouvert", "En cours"]),
                      reported + dt.timedelta(days=60), reported + dt.timedelta(days=rng.randint(1, 19)) if resolved else None])
    sheet = book.create_sheet("Actions")
    sheet.append([c.label for c in SHEETS["actions"].columns])
    for n in range(actions_n):
        started = AS_OF - dt.timedelta(days=rng.randint(20, 900))
        done = rng.random() < 0.5
        sheet.append([f"A-{n + 1:05d}", f"P-{rng.randint(1, problems_n):05d}", "Patrouilles ciblées en soirée",
                      "Police municipale de Forbach", "Police municipale", started, started + dt.timedelta(days=30),
                      "Réalisée" if done else "En cours", started + dt.timedelta(days=10) if done else None, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bare_calamine(data: bytes) -> int:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    total = 0
    for name in book.sheet_names:
        total += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return total


def best_of(repeat: int, fn, *args) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / f"gpo_bench_{args.rows}.xlsx"
    if not cache.exists():
        cache.write_bytes(build_tracker(args.rows))
    data = cache.read_bytes()
    result = load(data, filename="bench_forbach.xlsx", sector="forbach", as_of=AS_OF)[0]
    read = sum(c.rows_read for c in result.counts.values())
    accepted = sum(c.rows_accepted for c in result.counts.values())
    baseline = best_of(args.repeat, bare_calamine, data)
    loader = best_of(args.repeat, lambda d: load(d, filename="bench_forbach.xlsx", sector="forbach", as_of=AS_OF), data)
    print(f"tracker: {len(data) / 1e6:.1f} MB, {read} data lines read, {accepted} accepted, {len(result.issues)} issues")
    print(f"bare calamine read : {baseline:.3f} s (best of {args.repeat})")
    print(f"loaders.load()     : {loader:.3f} s (best of {args.repeat})")
    print(f"ratio              : {loader / baseline:.2f}x (aim: under 1.5x)")


if __name__ == "__main__":
    main()
