"""Synthetic départements for the scale benchmark, built through the project's own import path and cached on disk.

A département of N sectors is the 17 sample sectors plus clones `<base>-cNNN`
of them (same communes, cadence, animateur, constitution date), written to a
reference folder the app reads through `GPO_REFERENCE_DIR`. Clones are spread
over CSP clones `<csp>-cNN` (copies 1-8 of a CSP's sectors in its clone 01,
9-16 in 02…), so that 2,000 sectors fall into about 110 CSP-like groups of
~20 sectors. Each sector gets its base sample tracker's rows, problems and
actions repeated `mult` times with suffixed ids (national size: x17, about
500 rows a sector, 1.0 M rows in all), and goes through `store.imports.
plan_import` + `commit_import`, one transaction per sector, as
`store.demo_seed.seed_demo` does (same reference date, demo=True, same time).

Faster than loading 2,000 files: each sample tracker is read once by
`loaders.load`, and its frames are cloned into a `TrackerResult` per sector;
the stored raw file of a clone is its base sample file plus a tag naming the
clone (a unique SHA-256, as a real file per sector would have), so it does not
match the clone's rows. The build's SQLite connection does not fsync
(`PRAGMA synchronous=OFF`): the file it writes is the same, only a crash
during the build could corrupt it, and a half-built store is never cached.

Stores are cached under `benchmarks/.cache/<key>/` (git-ignored): the key
names the scale and a hash of what decides the store's content (sample
trackers, reference files, store schema, this file).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
CACHE = Path(__file__).resolve().parent / ".cache"
SAMPLE_DIR = ROOT / "sample_data"
REFERENCE_FILES = ("csp.csv", "sectors.csv", "communes.csv", "communes.geojson", "departement.toml")
CSP_BLOCK = 8  # copies of a CSP's sectors per CSP clone: ~19 sectors per CSP-like group
# Sectors -> problems and actions multiplier, as in the review's data sets (national: ~500 rows a sector).
DEFAULT_MULT = {17: 1, 170: 1, 850: 1, 2000: 17}
# What decides a built store's content; a change in one of them builds the store again.
FINGERPRINTED = ("store/tables.py", "store/database.py", "store/frames.py", "store/imports.py", "loaders/schema.py",
                 "benchmarks/scale_store.py")


@dataclass(frozen=True)
class Scale:
    sectors: int
    mult: int

    @property
    def label(self) -> str:
        return f"{self.sectors}" if self.mult == DEFAULT_MULT.get(self.sectors, 1) else f"{self.sectors}x{self.mult}"


def parse_scale(text: str) -> Scale:
    """"170" (default multiplier of its size) or "2000x17" (sectors x problems/actions multiplier)."""
    sectors, _, mult = text.partition("x")
    n = int(sectors)
    if n < 17:
        raise ValueError("au moins 17 secteurs (les 17 secteurs d'exemple)")
    return Scale(n, int(mult) if mult else DEFAULT_MULT.get(n, 1))


@dataclass(frozen=True)
class BuiltStore:
    scale: Scale
    folder: Path
    rows: dict[str, int]  # meetings, problems, actions
    csps: int
    build_seconds: float
    size_bytes: int

    @property
    def db(self) -> Path:
        return self.folder / "gpo.sqlite"

    @property
    def reference_dir(self) -> Path:
        return self.folder / "reference"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def working_copy(self, target_dir: Path) -> dict[str, str]:
        """A copy of the store for one run (pages may write: migrations, accounts); its environment variables."""
        target = target_dir / "gpo.sqlite"
        shutil.copyfile(self.db, target)
        return {"GPO_DATABASE_URL": f"sqlite:///{target}", "GPO_REFERENCE_DIR": str(self.reference_dir)}


def fingerprint() -> str:
    digest = hashlib.sha256()
    paths = sorted(SAMPLE_DIR.iterdir()) + [ROOT / "reference_data" / n for n in REFERENCE_FILES]
    paths += [ROOT / n for n in FINGERPRINTED]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def built_store(scale: Scale, cache: Path = CACHE, rebuild: bool = False, log=print) -> BuiltStore:
    """The cached store of this scale, built first when missing (or when `rebuild`)."""
    folder = cache / f"s{scale.sectors}-m{scale.mult}-{fingerprint()}"
    meta = folder / "store.json"
    if meta.exists() and not rebuild:
        saved = json.loads(meta.read_text(encoding="utf-8"))
        return BuiltStore(scale, folder, saved["rows"], saved["csps"], saved["build_seconds"], saved["size_bytes"])
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    csps = write_reference(partial / "reference", scale.sectors)
    rows = import_sectors(partial / "gpo.sqlite", partial / "reference", scale.mult, log)
    seconds = time.perf_counter() - started
    size = (partial / "gpo.sqlite").stat().st_size
    (partial / "store.json").write_text(json.dumps(
        {"rows": rows, "csps": csps, "build_seconds": round(seconds, 1), "size_bytes": size,
         "built_on": dt.datetime.now().isoformat(timespec="seconds")}, indent=1), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return BuiltStore(scale, folder, rows, csps, round(seconds, 1), size)


# --- reference folder --------------------------------------------------------

def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def _write_rows(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def clone_plan(base_ids: list[str], sectors: int) -> list[tuple[str, str, int]]:
    """(clone id, base id, copy number) for the sectors beyond the base ones, bases taken in turn."""
    plan = []
    for copy in range(1, math.ceil((sectors - len(base_ids)) / len(base_ids)) + 1):
        for base in base_ids:
            if len(base_ids) + len(plan) < sectors:
                plan.append((f"{base}-c{copy:03d}", base, copy))
    return plan


def write_reference(folder: Path, sectors: int) -> int:
    """The shipped reference folder, sectors.csv and csp.csv extended with clones; returns the number of CSPs."""
    source = ROOT / "reference_data"
    folder.mkdir(parents=True)
    for name in ("communes.csv", "communes.geojson", "departement.toml"):
        shutil.copyfile(source / name, folder / name)
    sector_fields, sector_rows = _read_rows(source / "sectors.csv")
    csp_fields, csp_rows = _read_rows(source / "csp.csv")
    base = {row["sector_id"]: row for row in sector_rows}
    csp_base = {row["csp_id"]: row for row in csp_rows}
    new_csps: dict[str, dict[str, str]] = {}
    for clone_id, base_id, copy in clone_plan(list(base), sectors):
        block = (copy - 1) // CSP_BLOCK + 1
        csp = base[base_id]["csp_id"]
        csp_id = f"{csp}-c{block:02d}"
        new_csps.setdefault(csp_id, {**csp_base[csp], "csp_id": csp_id, "name": f"{csp_base[csp]['name']} {block}",
                                     "aliases": ""})
        sector_rows.append({**base[base_id], "sector_id": clone_id, "name": f"{base[base_id]['name']} {copy}",
                            "csp_id": csp_id, "aliases": ""})
    _write_rows(folder / "sectors.csv", sector_fields, sector_rows)
    _write_rows(folder / "csp.csv", csp_fields, csp_rows + list(new_csps.values()))
    return len(csp_rows) + len(new_csps)


# --- import ------------------------------------------------------------------

def _multiplied(frames: dict, mult: int) -> dict:
    """Problems and actions repeated `mult` times, copies 2.. with ids suffixed `-2`, `-3`… (actions keep their problem)."""
    import pandas as pd

    out = dict(frames)
    for key, ref in (("problems", "problem_id"), ("actions", "action_id")):
        copies = [frames[key]]
        for n in range(2, mult + 1):
            copy = frames[key].copy()
            copy[ref] = copy[ref] + f"-{n}"
            if key == "actions":
                copy["problem_id"] = copy["problem_id"] + f"-{n}"
            copies.append(copy)
        out[key] = pd.concat(copies, ignore_index=True) if mult > 1 else frames[key]
    return out


def _clone_result(base, multiplied: dict, sector, csp_name: str, file_name: str, mult: int):
    """The base tracker's result as if read from a file of `sector`, its rows multiplied: every row accounted for."""
    from loaders import SheetCount, TrackerResult

    frames = {}
    for key, frame in multiplied.items():
        frame = frame.copy()
        frame["sector_id"] = sector.sector_id
        frame["source_file"] = file_name
        frames[key] = frame
    counts = {}
    for key, count in base.counts.items():
        extra = count.rows_accepted * (mult - 1) if key in ("problems", "actions") else 0
        counts[key] = SheetCount(count.rows_read + extra, count.rows_accepted + extra, count.rows_rejected)
    sheet = {**base.sector_sheet, "sector": sector.name, "csp": csp_name}
    return TrackerResult(file_name, sector.sector_id, frames, {k: f.copy() for k, f in base.rejected.items()},
                         counts, list(base.issues), sheet)


def import_sectors(db: Path, reference_dir: Path, mult: int, log=print) -> dict[str, int]:
    """Import every sector of the reference folder; returns the rows stored per table."""
    import sqlalchemy as sa

    from domain.reference import read_reference
    from loaders import load
    from loaders.activity import latest_activity
    from store.database import open_store
    from store.demo_seed import DEMO_UPLOADER, TRACKER_SUFFIXES
    from store.imports import commit_import, plan_import
    from store.tables import ROW_TABLES

    reference = read_reference(reference_dir)
    engine = open_store(f"sqlite:///{db}")
    sa.event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA synchronous=OFF"))
    engine.dispose()  # connections opened from now on skip the fsync
    paths = sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in TRACKER_SUFFIXES)
    first = [r for path in paths for r in load(path, filename=path.name, reference=reference)]
    as_of = latest_activity(first)  # as seed_demo: the newest activity of the sample trackers
    now = dt.datetime.combine(as_of, dt.time(8, 0))
    bases = {}
    for path in paths:
        data = path.read_bytes()
        for result in load(data, filename=path.name, reference=reference, as_of=as_of):
            bases[result.sector_id] = (result, data, path.suffix)
    by_base: dict[str, list[str]] = {sector_id: [sector_id] for sector_id in bases}
    for sector_id in reference.sectors:
        if sector_id not in bases:
            by_base[sector_id.rsplit("-c", 1)[0]].append(sector_id)
    started, done = time.perf_counter(), 0
    total = len(reference.sectors)
    for base_id, sector_ids in by_base.items():
        base, data, suffix = bases[base_id]
        multiplied = _multiplied(base.frames, mult)  # the same for every clone of this base
        for sector_id in sector_ids:
            sector = reference.sectors[sector_id]
            clone_data = data if sector_id == base_id else data + f"\n<!-- {sector_id} -->".encode()
            if sector_id == base_id and mult == 1:
                result = base
            else:
                file_name = base.file if sector_id == base_id else f"suivi_gpo_{sector_id}{suffix}"
                result = _clone_result(base, multiplied, sector, reference.csps[sector.csp_id].name, file_name, mult)
            plan = plan_import(engine, result, clone_data, DEMO_UPLOADER)
            if plan.status != "ready":
                raise RuntimeError(f"{sector_id}: {plan.status} ({plan.message})")
            commit_import(engine, plan, clone_data, DEMO_UPLOADER, as_of=as_of, demo=True, now=now)
            done += 1
            if done % 200 == 0:
                log(f"  {done}/{total} secteurs importés ({time.perf_counter() - started:.0f} s)")
    engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = {key: conn.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0] for key, table in ROW_TABLES.items()}
    return rows


def describe(store: BuiltStore) -> str:
    r = {key: f"{n:,}".replace(",", "\u202f") for key, n in {**store.rows, "total": store.total_rows}.items()}
    return (f"{store.scale.sectors} secteurs, {store.csps} CSP, {r['meetings']} réunions, {r['problems']} problèmes, "
            f"{r['actions']} actions ({r['total']} lignes), base {store.size_bytes / 1e6:.1f} Mo, "
            f"construite en {store.build_seconds:.0f} s")

