"""A figure built once and shown by every run of every session, without being copied each time.

`st.plotly_chart` turns the figure it is given into a dict on every run (plotly's `Figure.to_dict`, a deep copy of
every trace), then into JSON. For a figure kept in a shared cache that copy is the same each time, and it is the
largest part of the home page's run: about 70 ms for the département map, paid again by each new session (measured
with `python benchmarks/scale_sessions.py`, see the README's performance section). `prepared`
makes the dict once; `to_dict` returns it.

The prepared figure must not be changed afterwards (a shared figure never is: the caches of app_state/figures.py
say so). Plotly's `to_json` only removes the traces' `uid`, which the prepared dict has already lost, so the shared
dict is never written by a run.
"""

from __future__ import annotations

import plotly.graph_objects as go


class PreparedFigure(go.Figure):
    """A `go.Figure` whose `to_dict` is computed once, when prepared (see `prepared`)."""

    def to_dict(self) -> dict:
        frozen = self.__dict__.get("_prepared_dict")
        return super().to_dict() if frozen is None else frozen


def prepared(figure: go.Figure | None) -> PreparedFigure | None:
    """`figure` as a PreparedFigure: the same traces and layout, its dict made now and returned by every `to_dict`."""
    if figure is None or isinstance(figure, PreparedFigure):
        return figure
    shown = PreparedFigure(figure)
    as_dict = go.Figure.to_dict(shown)
    for trace in as_dict.get("data", []):
        trace.pop("uid", None)  # what plotly.io.to_json removes on every call: done once, the shared dict stays as is
    shown.__dict__["_prepared_dict"] = as_dict
    return shown
