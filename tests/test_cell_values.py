"""Cell parsing: every typed form of tracker-format.md, in parametrize tables."""

import datetime as dt

import pytest

from domain.vocabulary import ACTION_STATUS, MEETING_STATUS, PROBLEM_STATUS
from loaders.cell_values import parse_bool, parse_date, parse_int, parse_vocab

D = dt.date


@pytest.mark.parametrize("raw,expected", [
    (D(2026, 3, 12), D(2026, 3, 12)),
    (dt.datetime(2026, 3, 12, 14, 30), D(2026, 3, 12)),
    ("12/03/2026", D(2026, 3, 12)),
    ("12/03/26", D(2026, 3, 12)),
    ("2026-03-12", D(2026, 3, 12)),
    ("12.03.2026", D(2026, 3, 12)),
    ("12-03-2026", D(2026, 3, 12)),
    ("12 mars 2026", D(2026, 3, 12)),
    ("12 MARS 2026", D(2026, 3, 12)),
    ("1er février 2026", D(2026, 2, 1)),
    ("jeudi 12 mars 2026", D(2026, 3, 12)),
    ("3 déc. 2026", D(2026, 12, 3)),
    ("03/04/2026", D(2026, 4, 3)),  # day first, always
    (" 5/4/2026 ", D(2026, 4, 5)),
    ("12/03/2026 00:00:00", D(2026, 3, 12)),
    (46093, D(2026, 3, 12)),  # serial in a General cell
    (46093.0, D(2026, 3, 12)),
    ("46093", D(2026, 3, 12)),
    ("", None),
    ("   ", None),
])
def test_dates_read(raw, expected):
    assert parse_date(raw) == (expected, True)


@pytest.mark.parametrize("raw", ["31/02/2026", "13/13/2026", "demain", "12/03", 3, 46093.5, "2026", True,
                                 "12/03/1850", D(1900, 1, 1), "32 mars 2026", "12 marzo 2026"])
def test_not_dates(raw):
    assert parse_date(raw) == (None, False)


@pytest.mark.parametrize("raw,expected", [
    ("Oui", True), ("OUI", True), ("x", True), ("X", True), ("Présent", True), ("present", True), ("O", True),
    ("1", True), (1, True), (1.0, True), (True, True),
    ("Non", False), ("non", False), ("Absent", False), ("N", False), ("0", False), (0, False), (False, False),
    ("", None),
])
def test_yes_no(raw, expected):
    assert parse_bool(raw) == (expected, True)


@pytest.mark.parametrize("raw", ["peut-être", 2, "?"])
def test_not_yes_no(raw):
    assert parse_bool(raw) == (None, False)


@pytest.mark.parametrize("vocab,typed,code", [
    (PROBLEM_STATUS, "Résolu", "resolved"), (PROBLEM_STATUS, "RESOLU", "resolved"), (PROBLEM_STATUS, "Clos", "resolved"),
    (PROBLEM_STATUS, "Clôturé", "resolved"), (PROBLEM_STATUS, "Terminé", "resolved"), (PROBLEM_STATUS, "Traité", "resolved"),
    (PROBLEM_STATUS, "En-cours", "in_progress"), (PROBLEM_STATUS, "en cours", "in_progress"),
    (PROBLEM_STATUS, "Commencé", "in_progress"), (PROBLEM_STATUS, "Engagé", "in_progress"),
    (PROBLEM_STATUS, "Classé sans suite", "dropped"), (PROBLEM_STATUS, "Sans suite", "dropped"),
    (PROBLEM_STATUS, "Abandonné", "dropped"), (PROBLEM_STATUS, "ouvert", "open"),
    (ACTION_STATUS, "Réalisée", "done"), (ACTION_STATUS, "Fait", "done"), (ACTION_STATUS, "Faite", "done"),
    (ACTION_STATUS, "OK", "done"), (ACTION_STATUS, "Terminée", "done"), (ACTION_STATUS, "À faire", "todo"),
    (ACTION_STATUS, "A faire", "todo"), (ACTION_STATUS, "Non commencé", "todo"), (ACTION_STATUS, "Prévu", "todo"),
    (MEETING_STATUS, "Tenue", "held"), (MEETING_STATUS, "reportée", "postponed"), (MEETING_STATUS, "ANNULEE", "cancelled"),
])
def test_vocabulary_synonyms(vocab, typed, code):
    assert parse_vocab(typed, vocab.lookup_table()) == (code, True)


def test_unknown_vocabulary_value():
    assert parse_vocab("Peut-être", PROBLEM_STATUS.lookup_table()) == (None, False)


@pytest.mark.parametrize("raw,expected", [(12, 12), (12.0, 12), ("12", 12), ("1 200", 1200), ("", None)])
def test_int(raw, expected):
    assert parse_int(raw) == (expected, True)
