"""Figures built once per input and shared by the page's reruns (each click reruns the page)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.problem_charts import (age_chart, by_category_chart, by_csp_chart, by_sector_chart, resolution_time_chart,
                                   stock_and_flow_chart)
from domain.indicators.problems import monthly_stock_and_flow, open_age_buckets, resolution_days, resolved_in


@st.cache_data(show_spinner=False, max_entries=16)
def problem_figures(problems: pd.DataFrame, metrics: pd.DataFrame, as_of: dt.date, period_start: dt.date,
                    chart_start: dt.date) -> dict:
    """Every figure of the Problèmes page, built once per data, sectors, date and period; "monthly" is the table
    under the stock chart (the history chart draws it again)."""
    monthly = monthly_stock_and_flow(problems, chart_start, as_of)
    days = resolution_days(resolved_in(problems, period_start, as_of))
    return {
        "monthly": monthly,
        "stock": stock_and_flow_chart(monthly),
        "category": by_category_chart(problems, as_of, period_start),
        "sector": by_sector_chart(metrics, as_of),
        "csp": by_csp_chart(metrics, as_of),
        "age": age_chart(open_age_buckets(problems, as_of)),
        "time": resolution_time_chart(days),
    }
