"""Long tables a page at a time: every row on exactly one page, and a French caption giving the count."""

import pandas as pd
import pytest

from report_tables.paging import PAGE_SIZE, page_caption, page_of

NNBSP = "\u202f"


@pytest.fixture
def problems():
    return pd.DataFrame({"Problème": [f"P{i}" for i in range(4450)], "Secteur": ["Forbach"] * 4450})


def test_every_row_is_on_exactly_one_page(problems):
    first, total, pages = page_of(problems, 1)
    assert PAGE_SIZE == 200
    assert (total, pages, len(first)) == (4450, 23, 200)
    seen = pd.concat([page_of(problems, p)[0] for p in range(1, pages + 1)])
    assert seen["Problème"].tolist() == problems["Problème"].tolist()
    assert len(page_of(problems, 23)[0]) == 50


def test_the_caption_says_which_rows_of_how_many(problems):
    assert page_caption(1, 4450) == f"200 premières lignes sur 4{NNBSP}450"
    assert page_caption(2, 4450) == f"Lignes 201 à 400 sur 4{NNBSP}450 (page 2 sur 23)"
    assert page_caption(23, 4450) == f"Lignes 4{NNBSP}401 à 4{NNBSP}450 sur 4{NNBSP}450 (page 23 sur 23)"
    assert page_caption(1, 12) == "12 lignes"
    assert page_caption(1, 1) == "1 ligne"
    assert page_caption(1, 0) == "Aucune ligne"


def test_a_page_out_of_range_gives_the_nearest_and_an_empty_table_one_page(problems):
    rows, _, _ = page_of(problems, 99)
    assert rows["Problème"].iloc[-1] == "P4449"
    assert page_of(problems, 0)[0]["Problème"].iloc[0] == "P0"
    empty, total, pages = page_of(problems.iloc[0:0], 3)
    assert (len(empty), total, pages) == (0, 0, 1)
    assert list(empty.columns) == ["Problème", "Secteur"]
    with pytest.raises(ValueError):
        page_of(problems, 1, size=0)
