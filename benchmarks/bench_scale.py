"""Every page at département and national size: warm and cold time, memory, bytes sent, engine ratio, browser sessions.

    python benchmarks/bench_scale.py                                  # 17, 170 and 2,000 sectors, everything
    python benchmarks/bench_scale.py --scales 17,170 --sessions 0     # no browser
    python benchmarks/bench_scale.py --scales 2000 --pages vue_departementale,reunions --scopes secteur
    python benchmarks/bench_scale.py --scales 2000 --build-only       # build (and cache) the national store

For each scale (number of sectors; "2000x17" also sets the problems/actions
multiplier), a synthetic département is built through the project's import
path and cached (`scale_store.py`: 17 -> 815 rows, 170 -> 8,150, 2000 -> ~1.0 M).
On a copy of it:
- every page of the app (`scale_pages.page_files`), for the whole département
  and for one sector's view (`?secteur=forbach`), each in a fresh process
  (`scale_pages.py`): cold start (the first run of dashboard.py, opened on that
  page; library imports excluded), warm median of `--repeat` runs and its ratio
  to a page that writes only a title (same process), peak RSS of that process,
  bytes of the page's elements (plotly JSON and Arrow among them);
- the engine ratio (`scale_engine.py`): the project's indicator computation
  against polars and DuckDB on the same frames, and whether the figures agree;
- `--sessions` sessions on the home page at once against a real server started
  as in production, after one alone (`scale_sessions.py`): the server's answer
  to each through Streamlit's own protocol, a Chromium tab alone, and the
  estimate of what each of ten users in his own browser waits; with
  `--browser-together`, also that many Chromium tabs at once on this machine.
A page that does not finish within `--timeout` seconds is reported as such.
The last output is a markdown table for the README's performance section, then
the load average: the machine is shared, read ratios more than seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_pages import create_admin, page_files  # noqa: E402
from scale_store import built_store, describe, parse_scale  # noqa: E402

ROOT = HERE.parent
SCOPES = {"departement": None, "secteur": "forbach"}


def admin_only(page: str) -> bool:
    """Pages the demo's open access does not list: measured signed in as an administrator."""
    from domain.access import OPEN_ACCESS
    from navigation import pages_for

    return page not in [p.path for p in pages_for(OPEN_ACCESS)]


def _child(command: list[str], env: dict[str, str], timeout: float) -> dict:
    """Run a measuring script; its last stdout line is JSON. A timeout or a failure is returned, not raised."""
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"plus de {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:200]}
    result = json.loads(lines[-1])
    result["process_s"] = time.perf_counter() - started
    return result


def bench_scale(scale, args, log) -> dict:
    store = built_store(scale, rebuild=args.rebuild, log=log)
    log(f"## {describe(store)}")
    out = {"scale": scale.label, "sectors": scale.sectors, "rows": store.total_rows, "store": describe(store),
           "pages": [], "engine": None, "sessions": None}
    if args.build_only:
        return out
    with tempfile.TemporaryDirectory(prefix="gpo_scale_") as folder:
        env = store.working_copy(Path(folder))
        os.environ.update(env)  # create_admin reads the synthetic reference
        create_admin(env["GPO_DATABASE_URL"])
        pages = [p for p in page_files() if args.measure_pages and (not args.pages or Path(p).stem in args.pages)]
        for scope in args.scopes:
            for page in pages:
                command = [sys.executable, str(HERE / "scale_pages.py"), page, "--repeat", str(args.repeat),
                           "--timeout", str(args.timeout)]
                page_env = dict(env)
                if SCOPES[scope]:
                    command += ["--secteur", SCOPES[scope]]
                if admin_only(page):
                    command.append("--admin")
                    page_env["GPO_AUTH"] = "local"
                result = {"scope": scope, "page": page, **_child(command, page_env, args.timeout)}
                out["pages"].append(result)
                log(page_line(result))
        if args.engine:
            out["engine"] = _child([sys.executable, str(HERE / "scale_engine.py")], env, args.timeout)
            log(engine_line(out["engine"]))
        if args.sessions:
            from scale_sessions import measure

            try:
                out["sessions"] = measure(env, args.sessions, args.timeout, args.browser_together)
            except Exception as exc:  # a timeout of one tab: reported, the other scales still run
                out["sessions"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            log(sessions_line(out["sessions"]))
    return out


# --- output ------------------------------------------------------------------

def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f}".replace(",", " ")


def _kb(n: float) -> str:
    return f"{n / 1e3:,.0f}".replace(",", " ")


def page_line(r: dict) -> str:
    name = f"{r['scope']:11} {Path(r['page']).stem:18}"
    if "error" in r:
        return f"  {name} non mesurée : {r['error']}"
    flags = (" EXCEPTION" if r["exceptions"] else "") + (" INCIDENT" if r["incidents"] else "")
    return (f"  {name} à chaud {r['warm_median_s']:6.2f} s ({r['warm_median_s'] / r['baseline_median_s']:5.0f}x base)"
            f"  à froid {r['cold_s']:6.2f} s  RSS {_mb(r['rss_peak_bytes']):>5} Mo  envoi {_kb(r['elements_bytes']):>6} ko"
            f" (plotly {_kb(r['plotly_bytes'])}, Arrow {_kb(r['arrow_bytes'])}){flags}")


def engine_line(e: dict | None) -> str:
    if not e or "error" in e:
        return f"  moteur : non mesuré ({(e or {}).get('error', 'désactivé')})"
    parts = [f"  moteur : {e['project_label']} {e['project_s'] * 1e3:,.1f} ms".replace(",", " ")]
    for name in ("polars", "duckdb"):
        if e.get(f"{name}_s"):
            parts.append(f"{name} {e[f'{name}_s'] * 1e3:.1f} ms (ratio {e['project_s'] / e[f'{name}_s']:,.0f}x)"
                         .replace(",", " "))
        else:
            parts.append(f"{name} absent")
    parts.append("mêmes chiffres" if e["same_figures"] else "CHIFFRES DIFFÉRENTS")
    return " ; ".join(parts) + f" (lecture de la base {e['store_read_s']:.2f} s)"


def sessions_line(s: dict | None) -> str:
    if not s or "error" in s:
        return f"  sessions : non mesurées ({(s or {}).get('error', 'désactivées')})"
    p, n = s["protocol"], s["sessions"]
    server = p["server"]
    first, alone = s["phases"]["first"], s["phases"]["alone"]
    lines = [
        f"  sessions sur l'accueil : réponse du serveur (protocole Streamlit, {_kb(p['bytes'])} ko en "
        f"{p['messages']} messages) seule {p['alone_ms'] / 1e3:.2f} s, à {n} à la fois médiane "
        f"{p['together_median_ms'] / 1e3:.2f} s / max {p['together_max_ms'] / 1e3:.2f} s, seule ensuite "
        f"{p['alone_again_ms'] / 1e3:.2f} s ; CPU du script par session à {n} : "
        f"{min(server['cpu_s'] or [0]):.3f} à {max(server['cpu_s'] or [0]):.3f} s",
        f"    Chromium, un onglet (appli inactive / carte peinte) : serveur neuf {first['tabs_idle_ms'][0] / 1e3:.1f}"
        f" / {first['tabs_ms'][0] / 1e3:.1f} s, ensuite {alone['tabs_idle_ms'][0] / 1e3:.1f} / "
        f"{alone['tabs_ms'][0] / 1e3:.1f} s",
        f"    {n} utilisateurs à la fois, chacun sur son poste (estimation) : {s['estimate_together_ms'] / 1e3:.1f} s, "
        f"{s['estimate_ratio']:.2f}x un seul" + (f" ; INCIDENTS {len(s['incidents'])}" if s["incidents"] else "")]
    if "browser_together" in s:
        b = s["browser_together"]
        lines.append(f"    {n} onglets Chromium sur cette machine : médiane {b['median_ms'] / 1e3:.1f} s, max "
                     f"{b['max_ms'] / 1e3:.1f} s ({b['worst_ratio']:.1f}x un seul ; CPU Chromium "
                     f"{s['phases']['together']['browser_cpu_s']:.0f} s, serveur "
                     f"{s['phases']['together']['server_cpu_s']:.0f} s)")
    return "\n".join(lines)


def markdown(results: list[dict]) -> str:
    lines = ["| secteurs (lignes) | vue | page | à chaud s | × page de base | à froid s | RSS max Mo "
             "| envoyé ko | dont plotly ko | dont Arrow ko |", "|---|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        size = f"{res['sectors']:,} ({res['rows']:,})".replace(",", " ")
        for r in res["pages"]:
            view = "département" if r["scope"] == "departement" else "un secteur"
            if "error" in r:
                lines.append(f"| {size} | {view} | {Path(r['page']).stem} | {r['error']} | | | | | | |")
                continue
            lines.append(
                f"| {size} | {view} | {Path(r['page']).stem} | {r['warm_median_s']:.2f} "
                f"| {r['warm_median_s'] / r['baseline_median_s']:.0f} | {r['cold_s']:.1f} | {_mb(r['rss_peak_bytes'])} "
                f"| {_kb(r['elements_bytes'])} | {_kb(r['plotly_bytes'])} | {_kb(r['arrow_bytes'])} |")
    lines += ["", "| secteurs (lignes) | calcul des indicateurs | polars | DuckDB | mêmes chiffres "
              "| accueil, réponse du serveur : seule / à 10 (max) s | CPU du script par session à 10 s "
              "| un onglet Chromium : carte peinte s | 10 utilisateurs à la fois (estimation) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        size = f"{res['sectors']:,} ({res['rows']:,})".replace(",", " ")
        e, s = res["engine"] or {}, res["sessions"] or {}
        engine = polars = duck = same = answer = cpu = tab = estimate = "—"
        if e and "error" not in e:
            engine = f"{e['project_s'] * 1e3:,.0f} ms".replace(",", " ")
            polars = f"{e['polars_s'] * 1e3:.0f} ms ({e['project_s'] / e['polars_s']:,.1f}×)".replace(",", " ") \
                if e.get("polars_s") else "absent"
            duck = f"{e['duckdb_s'] * 1e3:.0f} ms ({e['project_s'] / e['duckdb_s']:,.1f}×)".replace(",", " ") \
                if e.get("duckdb_s") else "absent"
            same = "oui" if e["same_figures"] else "**non**"
        elif e:
            engine = e["error"]
        if s and "error" not in s:
            p = s["protocol"]
            answer = f"{p['alone_ms'] / 1e3:.2f} / {p['together_max_ms'] / 1e3:.2f}"
            cpu = f"{min(p['server']['cpu_s']):.3f} à {max(p['server']['cpu_s']):.3f}"
            tab = f"{s['tab_alone_ms'] / 1e3:.1f}"
            estimate = f"{s['estimate_together_ms'] / 1e3:.1f} s ({s['estimate_ratio']:.2f}×)"
        elif s:
            answer = s["error"]
        lines.append(f"| {size} | {engine} | {polars} | {duck} | {same} | {answer} | {cpu} | {tab} | {estimate} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="17,170,2000", help="sector counts, comma separated (e.g. 17,170,2000x17)")
    parser.add_argument("--scopes", default="departement,secteur", help="departement, secteur (?secteur=forbach)")
    parser.add_argument("--pages", default="", help="page file names without .py, comma separated (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed to one page's process, the engine, a tab")
    parser.add_argument("--sessions", type=int, default=10, help="sessions at once on the home page (0: none)")
    parser.add_argument("--browser-together", action="store_true",
                        help="also that many Chromium tabs at once on this machine (minutes: the drawing dominates)")
    parser.add_argument("--no-pages", dest="measure_pages", action="store_false", help="no page measured")
    parser.add_argument("--no-engine", dest="engine", action="store_false", help="no engine ratio")
    parser.add_argument("--build-only", action="store_true", help="build (and cache) the stores, measure nothing")
    parser.add_argument("--rebuild", action="store_true", help="build the stores again even when cached")
    parser.add_argument("--json", type=Path, help="also write every measure to this file")
    args = parser.parse_args()
    args.scopes = [s for s in args.scopes.split(",") if s]
    args.pages = {p for p in args.pages.split(",") if p}
    unknown = set(args.scopes) - set(SCOPES)
    if unknown:
        parser.error(f"vue inconnue : {', '.join(sorted(unknown))}")

    def log(text: str) -> None:
        print(text, flush=True)

    results = [bench_scale(parse_scale(s), args, log) for s in args.scales.split(",") if s]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if not args.build_only:
        print()
        print(markdown(results))
    load = os.getloadavg()
    print(f"\ncharge moyenne de la machine (1, 5, 15 min) : {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"sur {os.cpu_count()} cœurs")


if __name__ == "__main__":
    main()
