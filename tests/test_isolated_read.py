"""Reading an upload in a limited child process: same results as in-process, and no file can take the caller down."""

import sys
import types

import pandas as pd

from conftest import AS_OF, FIXTURES, issue_tuples
from loaders import load
from loaders.isolated import load_isolated


def test_same_results_as_reading_in_process():
    for name, sector in (("row-errors.xlsx", "stiring"), ("multi-sector.xlsx", None), ("merged-communes.ods", None)):
        here = load(FIXTURES / name, sector=sector, as_of=AS_OF)
        there = load_isolated(FIXTURES / name, sector=sector, as_of=AS_OF)
        assert [r.as_json() for r in there] == [r.as_json() for r in here]
        for a, b in zip(here, there):
            for key in a.frames:
                pd.testing.assert_frame_equal(a.frames[key], b.frames[key])


def test_bytes_with_a_file_name_as_the_import_page_gives_them():
    data = (FIXTURES / "row-errors.xlsx").read_bytes()
    result = load_isolated(data, filename="suivi novembre.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert result.file == "suivi novembre.xlsx"
    assert result.counts["problems"].rows_accepted == 3


def _big_problems_csv(lines: int = 40_000) -> bytes:
    head = "Réf;Date de signalement;Commune;Catégorie;Description;Priorité;Statut\n"
    body = "".join(f"P-{n};12/03/2026;Forbach;Nuisances sonores;Bruit la nuit près du square n° {n};Haute;Ouvert\n"
                   for n in range(lines))
    return (head + body).encode("utf-8")


def test_read_past_its_memory_is_stopped_and_said_in_french():
    """A child allowed 1 MB more than it starts with cannot read a 40,000-line tracker: it fails, the caller goes on."""
    result = load_isolated(_big_problems_csv(), filename="suivi_gpo_forbach_problemes.csv", as_of=AS_OF,
                           memory_bytes=1024 * 1024)[0]
    assert issue_tuples(result) == [(None, None, None, "unsafe_read")]
    assert result.issues[0].message.startswith(
        "Le fichier n'a pas pu être lu sans danger (lecture arrêtée : elle demandait plus de 1,0 Mo de mémoire)")
    assert all(frame.empty for frame in result.frames.values())
    assert load_isolated(FIXTURES / "merged-communes.ods", as_of=AS_OF)[0].ok  # the next read is unaffected


def test_calamine_abort_costs_only_the_child(capsys):
    """A value in Z99999 makes calamine build 2.6 million cells (83 MB in one piece). Allowed 32 MB, the child's
    allocation fails and Rust aborts the process it runs in (SIGABRT): only the child dies."""
    from test_far_cells import FAR_ROW, with_cell_xml

    data = with_cell_xml("far-cell-gr99000.xlsx", FAR_ROW,
                         b'<row r="99999"><c r="Z99999" t="inlineStr"><is><t>x</t></is></c></row>')
    result = load_isolated(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF, memory_bytes=32 * 1024 * 1024)[0]
    assert issue_tuples(result) == [(None, None, None, "unsafe_read")]
    assert "plus de 32,0 Mo de mémoire" in result.issues[0].message
    assert "fin du processus : SIGABRT" in capsys.readouterr().err
    assert load_isolated(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0].counts["problems"].rows_read == 9


def test_read_past_its_time_is_stopped():
    result = load_isolated(FIXTURES / "merged-communes.ods", as_of=AS_OF, seconds=0.001)[0]
    assert issue_tuples(result) == [(None, None, None, "unsafe_read")]
    assert "lecture arrêtée au bout de 0,001 secondes" in result.issues[0].message


def test_child_never_runs_the_callers_main_script(tmp_path, monkeypatch):
    """Under Streamlit, `__main__` is the page script: multiprocessing would run it again in each child."""
    marker = tmp_path / "ran.txt"
    script = tmp_path / "dashboard.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    fake_main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert load_isolated(FIXTURES / "row-errors.xlsx", sector="stiring", as_of=AS_OF)[0].counts
    assert not marker.exists()
