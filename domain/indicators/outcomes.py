"""What the GPO's work came to: outcomes of closed problems, the PSQ ratio, pertinence tables. Descriptive only.

Pure: frames and an explicit period [start, end] (both days included) in. Outcomes are
the `outcome` codes of the problems frame (VOCABULARIES["outcome"]: eliminated, reduced,
less_harmful, better_handled, handed_over, no_effect, worse). Definitions (the README's
« Cycle du GPO » says the same in French):

- **Closed in the period**: status resolved or dropped, closing date (`resolved_on`,
  « Date de résolution / de clôture ») between start and end. A closed problem
  without a closing date cannot be placed in a period: those reported in the
  period are counted apart (`undated`), never inside a share.
- **Outcome share**: among problems closed in the period *with* an outcome, the
  share eliminated or reduced, with its counts; `without_outcome` says how many
  closed problems carry none.
- **PSQ ratio** (the ministry's figure, problems resolved ÷ problems identified),
  read as a cohort so that it is a share like the ministry's 60 % (12,000 of
  21,000):
  *identified in the period* = reported_on between start and end;
  *resolved in the period* = of those, status resolved and resolved by `end`
  (resolved_on ≤ end, or no resolution date: an undated closed problem counts as
  closed from its report, as `problems.open_at` does). A dropped problem is
  identified, never resolved. A problem reported before the period and resolved
  in it is in neither count (it belongs to the period it was identified in).
- **Pertinence** (which partners and categories went with which outcomes): the
  problems closed in the period, by outcome,
  *by category* (one row per category, each problem once), and
  *by partner type of the actions taken on it*: each type that carried at least
  one action on the problem that was not dropped (done or still open), a problem
  counted once per type, so the rows do not add up to the total; « Aucune action »
  when it had none, « Type non précisé » for an action without a type. Actions'
  types rather than the lead partner: the type is a validated list on every
  action and says who acted, while « Chef de file » is an optional free-text name
  whose type would have to be guessed. A share is given only for a row holding at
  least `SMALL_SAMPLE` (5) problems with an outcome; rows keep the lists' order and
  are never sorted by a share. Co-occurrence, never a cause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.indicators.cycle import CLOSED_PROBLEM_STATUSES as CLOSED_STATUSES
from domain.indicators.engine.columns import count_by, day_number, day_numbers, is_in, sector_codes
from domain.indicators.problems import SMALL_SAMPLE
from domain.vocabulary import CATEGORY, PARTNER_TYPE, VOCABULARIES


SUCCESS_OUTCOMES = ("eliminated", "reduced")
NO_OUTCOME = "none"
NO_OUTCOME_LABEL = "Résultat non renseigné"
NO_ACTION, NO_ACTION_LABEL = "no_action", "Aucune action"
UNSPECIFIED = "unspecified"
UNSPECIFIED_TYPE_LABEL, UNSPECIFIED_CATEGORY_LABEL = "Type non précisé", "Catégorie non précisée"

PERTINENCE_COLUMNS = ("group", "group_label", "outcome", "outcome_label", "problems", "group_with_outcome",
                      "group_closed", "share", "small_sample")


def outcome_labels() -> dict[str, str]:
    """Outcome code → French label, in the scale's order (best first)."""
    return dict(VOCABULARIES["outcome"].labels)


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _closed(problems: pd.DataFrame) -> pd.Series:
    return problems["status"].isin(CLOSED_STATUSES)


def closed_in(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Problems closed (resolved or dropped) with a closing date between `start` and `end` included."""
    return problems[_closed(problems) & problems["resolved_on"].between(_ts(start), _ts(end))]


def closed_undated(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Closed problems without a closing date reported in the period: not placed in it, counted apart."""
    return problems[_closed(problems) & problems["resolved_on"].isna()
                    & problems["reported_on"].between(_ts(start), _ts(end))]


# --- outcome share and distribution -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeShare:
    success: int  # closed in the period, eliminated or reduced
    with_outcome: int  # closed in the period with an outcome
    without_outcome: int  # closed in the period without one
    undated: int  # closed without a closing date, reported in the period: in no count above

    @property
    def closed(self) -> int:
        return self.with_outcome + self.without_outcome

    @property
    def share(self) -> float | None:
        return self.success / self.with_outcome if self.with_outcome else None

    @property
    def small_sample(self) -> bool:
        return self.with_outcome < SMALL_SAMPLE


def outcome_share(problems: pd.DataFrame, start: dt.date, end: dt.date) -> OutcomeShare:
    """Share of the problems closed in the period with an outcome that were eliminated or reduced, with counts."""
    closed = closed_in(problems, start, end)
    has = closed["outcome"].notna()
    return OutcomeShare(int(closed["outcome"].isin(SUCCESS_OUTCOMES).sum()), int(has.sum()), int((~has).sum()),
                        len(closed_undated(problems, start, end)))


def outcome_distribution(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Problems closed in the period by outcome, every outcome of the scale listed (zeros kept), then those without.

    Columns: outcome (code; NO_OUTCOME for the last row), label, problems, share (of the problems with an outcome;
    NaN on the last row, and on every row when fewer than SMALL_SAMPLE carry an outcome), of (that denominator).
    """
    closed = closed_in(problems, start, end)
    counts = closed["outcome"].value_counts()
    labels = outcome_labels()
    with_outcome = int(closed["outcome"].notna().sum())
    rows = [(code, label, int(counts.get(code, 0))) for code, label in labels.items()]
    others = sorted(set(counts.index) - set(labels))  # a code the scale does not know: shown, never dropped
    rows += [(code, str(code), int(counts[code])) for code in others]
    rows.append((NO_OUTCOME, NO_OUTCOME_LABEL, int(closed["outcome"].isna().sum())))
    small = with_outcome < SMALL_SAMPLE
    return pd.DataFrame({
        "outcome": pd.array([r[0] for r in rows], dtype="str"),
        "label": pd.array([r[1] for r in rows], dtype="str"),
        "problems": np.array([r[2] for r in rows], dtype=np.int64),
        "share": [np.nan if small or code == NO_OUTCOME else n / with_outcome for code, _, n in rows],
        "of": np.full(len(rows), with_outcome, dtype=np.int64),
    })


def outcome_share_by_sector(problems: pd.DataFrame, sector_ids: list[str], start: dt.date,
                            end: dt.date) -> pd.DataFrame:
    """`outcome_share` of each sector of `sector_ids` in one grouped pass. Columns: sector_id, closed,
    with_outcome, without_outcome, success, undated, share (NaN when nothing has an outcome), small_sample."""
    sector_ids = list(dict.fromkeys(sector_ids))
    n = len(sector_ids)
    codes = sector_codes(problems["sector_id"], sector_ids)
    closed = is_in(problems["status"], CLOSED_STATUSES)
    on, dated = day_numbers(problems["resolved_on"])
    reported, has_reported = day_numbers(problems["reported_on"])
    first, last = day_number(start), day_number(end)
    in_period = closed & dated & (on >= first) & (on <= last)
    has_outcome = problems["outcome"].notna().to_numpy(dtype=bool)
    success = is_in(problems["outcome"], SUCCESS_OUTCOMES)
    undated = closed & ~dated & has_reported & (reported >= first) & (reported <= last)
    with_outcome = count_by(codes, in_period & has_outcome, n)
    won = count_by(codes, in_period & success, n)
    return pd.DataFrame({
        "sector_id": pd.array(sector_ids, dtype="str"),
        "closed": count_by(codes, in_period, n),
        "with_outcome": with_outcome,
        "without_outcome": count_by(codes, in_period & ~has_outcome, n),
        "success": won,
        "undated": count_by(codes, undated, n),
        "share": np.where(with_outcome > 0, won / np.maximum(with_outcome, 1), np.nan),
        "small_sample": with_outcome < SMALL_SAMPLE,
    })


# --- PSQ ratio ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PsqRatio:
    identified: int  # reported in the period
    resolved: int  # of which resolved by the period's end

    @property
    def ratio(self) -> float | None:
        return self.resolved / self.identified if self.identified else None

    @property
    def small_sample(self) -> bool:
        return self.identified < SMALL_SAMPLE


def _psq_masks(problems: pd.DataFrame, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    reported, has_reported = day_numbers(problems["reported_on"])
    on, dated = day_numbers(problems["resolved_on"])
    identified = has_reported & (reported >= day_number(start)) & (reported <= day_number(end))
    resolved = identified & is_in(problems["status"], ("resolved",)) & (~dated | (on <= day_number(end)))
    return identified, resolved


def psq_ratio(problems: pd.DataFrame, start: dt.date, end: dt.date) -> PsqRatio:
    """Problems resolved ÷ problems identified over the period (a cohort: see the module's docstring)."""
    identified, resolved = _psq_masks(problems, start, end)
    return PsqRatio(int(identified.sum()), int(resolved.sum()))


def psq_by_sector(problems: pd.DataFrame, sector_ids: list[str], start: dt.date, end: dt.date) -> pd.DataFrame:
    """`psq_ratio` of each sector of `sector_ids` in one grouped pass. Columns: sector_id, identified, resolved,
    ratio (NaN when nothing was identified), small_sample (fewer than SMALL_SAMPLE identified)."""
    sector_ids = list(dict.fromkeys(sector_ids))
    codes = sector_codes(problems["sector_id"], sector_ids)
    identified, resolved = _psq_masks(problems, start, end)
    found = count_by(codes, identified, len(sector_ids))
    done = count_by(codes, resolved, len(sector_ids))
    return pd.DataFrame({
        "sector_id": pd.array(sector_ids, dtype="str"),
        "identified": found,
        "resolved": done,
        "ratio": np.where(found > 0, done / np.maximum(found, 1), np.nan),
        "small_sample": found < SMALL_SAMPLE,
    })


# --- pertinence -----------------------------------------------------------------------------------------------------

def _pertinence(pairs: pd.DataFrame, groups: list[tuple[str, str]]) -> pd.DataFrame:
    """pairs: one row per (closed problem, group) with columns group, outcome. One row per (group, outcome) for the
    groups present, in the order of `groups`; every outcome of the scale (zeros kept), then NO_OUTCOME."""
    labels = outcome_labels()
    outcomes = pairs["outcome"].astype("object").where(pairs["outcome"].notna(), NO_OUTCOME)
    counts = pd.crosstab(pairs["group"].astype("object"), outcomes) if len(pairs) else pd.DataFrame()
    scale = list(labels.items()) + [(c, str(c)) for c in sorted(set(counts.columns) - set(labels) - {NO_OUTCOME})]
    scale.append((NO_OUTCOME, NO_OUTCOME_LABEL))
    rows = []
    for group, group_label in groups:
        if group not in counts.index:
            continue
        line = counts.loc[group]
        closed = int(line.sum())
        with_outcome = closed - int(line.get(NO_OUTCOME, 0))
        small = with_outcome < SMALL_SAMPLE
        for code, label in scale:
            n = int(line.get(code, 0))
            share = np.nan if small or code == NO_OUTCOME else n / with_outcome
            rows.append((group, group_label, code, label, n, with_outcome, closed, share, small))
    frame = pd.DataFrame(rows, columns=list(PERTINENCE_COLUMNS))
    for column in ("group", "group_label", "outcome", "outcome_label"):
        frame[column] = frame[column].astype("str")
    for column in ("problems", "group_with_outcome", "group_closed"):
        frame[column] = frame[column].astype("int64")
    frame["share"] = frame["share"].astype("float64")
    frame["small_sample"] = frame["small_sample"].astype("bool")
    return frame


def pertinence_by_category(problems: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Problems closed in the period by category and outcome (PERTINENCE_COLUMNS): categories in the list's order,
    a site's own categories after them (alphabetical), « Catégorie non précisée » last."""
    closed = closed_in(problems, start, end)
    group = closed["category"].astype("object").where(closed["category"].notna(), UNSPECIFIED)
    pairs = pd.DataFrame({"group": group.to_numpy(), "outcome": closed["outcome"].to_numpy()})
    known = list(CATEGORY.labels)
    extra = sorted(set(pairs["group"]) - set(known) - {UNSPECIFIED})
    order = ([(c, CATEGORY.labels[c]) for c in known] + [(c, c) for c in extra]
             + [(UNSPECIFIED, UNSPECIFIED_CATEGORY_LABEL)])
    return _pertinence(pairs, order)


def pertinence_by_partner_type(problems: pd.DataFrame, actions: pd.DataFrame, start: dt.date,
                               end: dt.date) -> pd.DataFrame:
    """Problems closed in the period by the partner types of their actions (not dropped) and by outcome
    (PERTINENCE_COLUMNS): a problem once per type that acted on it, « Aucune action » when none did."""
    closed = closed_in(problems, start, end)[["sector_id", "problem_id", "outcome"]]
    acting = actions[actions["status"] != "dropped"][["sector_id", "problem_id", "partner_type"]]
    kinds = acting.assign(group=acting["partner_type"].astype("object").where(acting["partner_type"].notna(),
                                                                                UNSPECIFIED))
    kinds = kinds[["sector_id", "problem_id", "group"]].drop_duplicates()
    pairs = closed.merge(kinds, on=["sector_id", "problem_id"], how="left")
    pairs["group"] = pairs["group"].astype("object").where(pairs["group"].notna(), NO_ACTION)
    known = list(PARTNER_TYPE.labels)
    extra = sorted(set(pairs["group"]) - set(known) - {UNSPECIFIED, NO_ACTION})
    order = ([(c, PARTNER_TYPE.labels[c]) for c in known] + [(c, str(c)) for c in extra]
             + [(UNSPECIFIED, UNSPECIFIED_TYPE_LABEL), (NO_ACTION, NO_ACTION_LABEL)])
    return _pertinence(pairs[["group", "outcome"]], order)
