"""A cell far from the table costs what a cell costs, never the rectangle from A1 to it.

The files are built the way an attacker (or a stray keystroke) makes them: a
valid tracker whose sheet XML gains one far cell (tests/fixtures/build_fixtures.py),
and the same files opened and saved by real LibreOffice, which writes the empty
space as repeated rows and cells (build_libreoffice_fixtures.py).
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import AS_OF, FIXTURES, assert_rows_accounted, issue_tuples
from loaders import limits, load

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS_XML = "xl/worksheets/sheet2.xml"
FAR_ROW = b'<row r="99000"><c r="GR99000" t="inlineStr"><is><t>x</t></is></c></row>'


def with_cell_xml(name: str, old: bytes, new: bytes) -> bytes:
    """A fixture with its Problèmes sheet XML edited by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(FIXTURES / name) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == PROBLEMS_XML:
                assert old in data
                data = data.replace(old, new)
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("name", ["far-cell-xfd1048576.xlsx", "far-cell-xfd1048576.ods"])
def test_value_in_the_last_cell_refuses_the_file_naming_the_cell(name):
    result = load(FIXTURES / name, sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "cell_beyond_limits")]
    message = result.issues[0].message
    assert message.startswith("La feuille « Problèmes » contient une valeur en XFD1048576 (ligne 1 048 576, colonne XFD)")
    assert "tapez XFD1048576 dans la zone Nom" in message
    assert all(frame.empty for frame in result.frames.values())


@pytest.mark.parametrize("name", ["far-cell-gr99000.xlsx", "far-cell-gr99000.ods"])
def test_value_far_inside_the_limits_is_a_line_of_the_report(name):
    result = load(FIXTURES / name, sector="stiring", as_of=AS_OF)[0]
    assert_rows_accounted(result)
    counts = {key: (c.rows_read, c.rows_accepted, c.rows_rejected) for key, c in result.counts.items()}
    assert counts == {"meetings": (9, 9, 0), "problems": (9, 8, 1), "actions": (8, 8, 0)}
    far = [i for i in result.issues if i.row == 99000]
    assert far and {i.sheet for i in far} == {"problems"} and {i.code for i in far} == {"missing_value"}
    assert result.frames["problems"]["problem_id"].tolist() == [f"P-{n:02d}" for n in range(1, 9)]


def test_a_format_applied_far_away_is_nothing():
    result = load(FIXTURES / "far-format.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert result.ok, issue_tuples(result)
    assert {k: c.rows_read for k, c in result.counts.items()} == {"meetings": 9, "problems": 8, "actions": 8}


@pytest.mark.parametrize("cell", [
    b"<c r='GR99000' t='inlineStr'><is><t>x</t></is></c>",  # single quotes
    b'<c t="inlineStr" r="GR99000"><is><t>x</t></is></c>',  # r not first
    b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="GR99000" t="inlineStr">'
    b"<x:is><x:t>x</x:t></x:is></x:c>",  # a namespace prefix
    b'<c r = "GR99000" t="inlineStr"><is><t>x</t></is></c>',  # spaces around =
    b'<c r="GR99000" foo="/>" t="inlineStr"><is><t>x</t></is></c>',  # a > inside a value, to look self-closing
])
def test_far_cell_written_any_valid_way_is_still_found(cell):
    data = with_cell_xml("far-cell-gr99000.xlsx", FAR_ROW, b'<row r="99000">' + cell + b"</row>")
    result = load(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert_rows_accounted(result)
    assert result.counts["problems"].rows_read == 9
    assert {i.row for i in result.issues if i.sheet == "problems"} == {99000}


def test_far_cell_placed_by_counting_cells_without_a_reference():
    """No `r` on the cells: 200 of them in line 99,000, the last one filled, lands in GR99000."""
    cells = b"<c/>" * 199 + b'<c t="inlineStr"><is><t>x</t></is></c>'
    data = with_cell_xml("far-cell-gr99000.xlsx", FAR_ROW, b'<row r="99000">' + cells + b"</row>")
    result = load(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert result.counts["problems"].rows_read == 9
    assert {i.row for i in result.issues if i.sheet == "problems"} == {99000}
    cells = b"<c/>" * 200 + b'<c t="inlineStr"><is><t>x</t></is></c>'  # one more: column GS, past the limit
    data = with_cell_xml("far-cell-gr99000.xlsx", FAR_ROW, b'<row r="99000">' + cells + b"</row>")
    result = load(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "cell_beyond_limits")]
    assert "GS99000" in result.issues[0].message


def test_too_many_cells_is_refused_before_reading():
    """100,001 lines of 20 numbers: under the zip checks (a few MB, compressed 10 to 1), over 2 million cells."""
    columns = "ABCDEFGHIJKLMNOPQRST"
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r * 7 % 1000}</v></c>' for c in columns) + "</row>"
                   for r in range(2, 100_003))
    data = with_cell_xml("far-format.xlsx", b'<row r="1048576"><c r="XFD1048576" s="1"/></row>', rows.encode())
    assert len(data) < limits.MAX_FILE_BYTES
    result = load(data, filename="suivi.xlsx", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "too_many_cells")]
    assert "dépasse la limite de 2 000 000 cellules remplies ou mises en forme par feuille" in result.issues[0].message


# Runs a command and reaps every process it leaves (the reading forkserver outlives the CLI by a moment),
# so RUSAGE_CHILDREN's peak is that of the biggest process of the whole tree.
_TREE = r"""
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.monotonic() - started
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "stdout": done.stdout, "seconds": seconds,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
"""


def validate_cli(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _TREE, sys.executable, "-m", "loaders", "validate", str(path),
                          "--secteur", "stiring", "--json", "--date", "2026-11-25"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def small_file_cost() -> dict:
    """The same command on a small clean tracker: what every far-cell file's cost is compared with (CPU time of
    the process tree, which neighbours on a busy machine do not change), measured once for this module."""
    return validate_cli(FIXTURES / "row-errors.xlsx")


@pytest.mark.slow  # two interpreters per file (the command and its reading child)
@pytest.mark.parametrize("name", ["far-cell-xfd1048576.xlsx", "far-cell-gr99000.xlsx", "far-cell-xfd1048576.ods",
                                  "far-cell-gr99000.ods"])
def test_far_cell_file_costs_no_more_than_a_small_file(name, small_file_cost):
    """`python -m loaders validate`: no process of its tree passes 300 MB, and the far cell adds under 5 s.

    Time is the CPU time of the whole tree (command, forkserver, reading child), against the
    same command on a small clean tracker: on a machine busy with other work, wall time
    measures the neighbours. Before: XFD1048576 aborted the process (exit 134, 512 GiB asked);
    GR99000 took it to 893 MB.
    """
    baseline = small_file_cost
    run = validate_cli(FIXTURES / name)
    assert (FIXTURES / name).stat().st_size < 20_000
    assert run["rc"] == 1, run
    report = json.loads(run["stdout"])["files"][0]
    assert report["issues"], report
    assert run["peak_mb"] < 300, run["peak_mb"]
    assert run["cpu_seconds"] < baseline["cpu_seconds"] + 5, (run["cpu_seconds"], baseline["cpu_seconds"])
    assert run["seconds"] < 120  # a hang would show here


def same_results(first, second):
    assert [r.as_json() for r in first] == [r.as_json() for r in second]
    for a, b in zip(first, second):
        for key in a.frames:
            pd.testing.assert_frame_equal(a.frames[key], b.frames[key])
        assert a.rejected.keys() == b.rejected.keys()
        for key in a.rejected:
            pd.testing.assert_frame_equal(a.rejected[key], b.rejected[key])


@pytest.mark.parametrize("path", [FIXTURES / n for n in (
    "merged-cells.xlsx", "title-lines.xlsx", "text-dates.xlsx", "serial-dates.xlsx", "formulas-cached.xlsx",
    "formula-without-cached-value.xlsx", "row-errors.xlsx", "status-synonyms.xlsx", "totals-line.xlsx",
    "secteur-sheet.xlsx", "multi-sector.xlsx")] + [ROOT / "sample_data" / "suivi_gpo_forbach.xlsx"], ids=lambda p: p.name)
def test_xlsx_read_cell_by_cell_gives_what_calamine_gives(path, monkeypatch):
    """The reader used for far-flung sheets, forced on ordinary ones: same rows, values, issues."""
    from loaders import xlsx_scan

    options = {"as_of": AS_OF, "sector": None if path.name in ("secteur-sheet.xlsx", "multi-sector.xlsx") or
               "sample" in str(path) else "stiring"}
    from loaders import xlsx_sparse

    dense = load(path, **options)
    monkeypatch.setattr(xlsx_scan, "verdict", lambda *args: (xlsx_scan.SPARSE, None, 0))
    read = []
    monkeypatch.setattr(xlsx_sparse, "read_sparse_sheets", lambda data, names, real=xlsx_sparse.read_sparse_sheets:
                        read.append(names) or real(data, names))
    same_results(dense, load(path, **options))
    assert read and "Problèmes" in read[0]


@pytest.mark.parametrize("path", [FIXTURES / "opendocument.ods", FIXTURES / "merged-communes.ods",
                                  ROOT / "sample_data" / "suivi_gpo_amneville.ods",
                                  ROOT / "sample_data" / "suivi_gpo_sarrebourg.ods"], ids=lambda p: p.name)
def test_ods_read_cell_by_cell_gives_what_calamine_gives(path, monkeypatch):
    options = {"as_of": AS_OF, "sector": "stiring" if path.name == "opendocument.ods" else None}
    from loaders import ods_scan

    dense = load(path, **options)
    monkeypatch.setattr(limits, "DENSE_CELLS", 0)
    modes = []
    monkeypatch.setattr(ods_scan, "scan_ods", lambda data, values=False, real=ods_scan.scan_ods:
                        modes.append(values) or real(data, values=values))
    same_results(dense, load(path, **options))
    assert modes == [False, True]


def xls_tracker(far=None) -> bytes:
    """The base tracker as Excel 97-2003 (.xls, BIFF8 as xlwt writes it, like Excel), Problèmes gaining `far(sheet)`."""
    import datetime as dt

    import xlwt

    from domain.tracker_schema import SHEETS
    from tracker_builder import CYCLE_LABELS, SHEET_LABELS, base_tracker

    tracker = base_tracker()
    book = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for key, label in SHEET_LABELS.items():
        sheet = book.add_sheet(label)
        labels = [c.label for c in SHEETS[key].columns if c.label not in CYCLE_LABELS]  # a tracker of before the cycle
        for col, text in enumerate(labels):
            sheet.write(0, col, text)
        for line, row in enumerate(tracker.rows[key], start=1):
            for col, text in enumerate(labels):
                value = row.get(text)
                if value is not None:
                    sheet.write(line, col, value, dates if isinstance(value, dt.date) else xlwt.Style.default_style)
        if key == "problems" and far:
            far(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xls_value_in_the_last_cell_refuses_the_file_naming_the_cell():
    data = xls_tracker(lambda sheet: sheet.write(65535, 255, "x"))
    result = load(data, filename="suivi.xls", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "cell_beyond_limits")]
    assert "contient une valeur en IV65536 (ligne 65 536, colonne IV)" in result.issues[0].message


def test_xls_value_far_inside_the_limits_is_refused_naming_it():
    """An .xls is read whole when opened: GR60000 would be 12 million cells. Said, with the cell to empty."""
    data = xls_tracker(lambda sheet: sheet.write(59999, 199, "x"))
    result = load(data, filename="suivi.xls", sector="stiring", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "xls_too_spread")]
    message = result.issues[0].message
    assert message.startswith("La feuille « Problèmes » de ce fichier .xls a une valeur en GR60000, loin du tableau")
    assert "enregistrez le fichier au format .xlsx" in message


def test_xls_far_line_in_the_first_columns_is_read_and_reported():
    data = xls_tracker(lambda sheet: sheet.write(59999, 3, "x"))
    result = load(data, filename="suivi.xls", sector="stiring", as_of=AS_OF)[0]
    assert_rows_accounted(result)
    assert result.counts["problems"].rows_read == 9
    assert {i.row for i in result.issues if i.sheet == "problems"} == {60000}


def test_xls_format_far_away_is_nothing():
    import xlwt

    yellow = xlwt.easyxf("pattern: pattern solid, fore_colour yellow")
    data = xls_tracker(lambda sheet: sheet.write(65535, 255, None, yellow))  # a BLANK record: format, no value
    result = load(data, filename="suivi.xls", sector="stiring", as_of=AS_OF)[0]
    assert result.ok, issue_tuples(result)
    assert result.counts["problems"].rows_read == 8


@pytest.mark.slow  # two interpreters (the command and its reading child)
def test_xls_far_cell_costs_no_more_than_a_small_file(tmp_path, small_file_cost):
    path = tmp_path / "suivi.xls"
    path.write_bytes(xls_tracker(lambda sheet: sheet.write(59999, 199, "x")))
    baseline = small_file_cost
    run = validate_cli(path)
    assert run["rc"] == 1
    assert json.loads(run["stdout"])["files"][0]["issues"][0]["code"] == "xls_too_spread"
    assert run["peak_mb"] < 300, run["peak_mb"]  # before: 750 MB, in the server process
    assert run["cpu_seconds"] < baseline["cpu_seconds"] + 5


@pytest.mark.slow  # two interpreters (the command and its reading child), and 41 sheets read in this process
def test_many_sheets_each_with_a_far_cell_cost_no_more_than_a_small_file(tmp_path, small_file_cost):
    """40 extra sheets, each one value in Z99999 (26 KB in all): each alone may be read whole, not all of them
    (before: 18 s and 1.3 GB). The grids kept stay under TOTAL_DENSE_CELLS; the rest are read cell by cell."""
    from tracker_builder import base_tracker, write_xlsx

    path = tmp_path / "suivi.xlsx"
    book = write_xlsx(path, base_tracker())
    for n in range(40):
        book.create_sheet(f"Note {n + 1}")["Z99999"] = "x"
    book.save(path)
    result = load(path, sector="stiring", as_of=AS_OF)[0]
    assert result.ok
    assert [i.value for i in result.issues if i.code == "extra_sheet"] == [f"Note {n + 1}" for n in range(40)]
    baseline = small_file_cost
    run = validate_cli(path)
    assert run["rc"] == 0
    assert run["peak_mb"] < 300, run["peak_mb"]
    assert run["cpu_seconds"] < baseline["cpu_seconds"] + 5


def ods_with_rows(extra_rows: dict[str, str]) -> bytes:
    """merged-communes.ods with rows added under the header of some tables, written by hand as an attacker would."""
    out = io.BytesIO()
    with zipfile.ZipFile(FIXTURES / "merged-communes.ods") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                for table, rows in extra_rows.items():
                    start = text.index(f'<table:table table:name="{table}"')
                    end = text.index("</table:table-row>", start) + len("</table:table-row>")
                    text = text[:end] + rows + text[end:]
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def repeated_block(rows: int, columns: int) -> str:
    return (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated='
            f'"{columns}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')


def test_ods_repeated_cells_count_one_by_one():
    """A few hundred bytes of repeats stand for 3 million filled cells: refused before any is built."""
    data = ods_with_rows({"Problèmes": repeated_block(20_000, 150)})
    assert len(data) < 60_000
    result = load(data, filename="suivi.ods", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "too_many_cells")]
    assert result.issues[0].message.startswith("La feuille « Problèmes » dépasse la limite de 2 000 000 cellules")


def test_ods_cells_of_all_sheets_count_together():
    block = repeated_block(9_000, 150)  # 1.35 million cells in each of three sheets
    data = ods_with_rows({"Réunions": block, "Problèmes": block, "Actions": block})
    result = load(data, filename="suivi.ods", as_of=AS_OF)[0]
    assert issue_tuples(result) == [(None, None, None, "too_many_cells")]
    assert "4 000 000 cellules remplies pour tout le fichier" in result.issues[0].message
