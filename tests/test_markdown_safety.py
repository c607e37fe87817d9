"""The rule « text from a user is shown as text », checked on the source of every page (not left to prose).

Streamlit 1.67 renders markdown in `st.markdown`, `st.write`, captions, titles,
alerts, metrics, tabs and every widget label and tooltip, and in the options of
radio buttons, pills, segmented controls and select sliders (checked in
Chromium: selectbox and multiselect options are plain text). A file name such as
`![b](http://…/x.png) [Cliquez ici](https://evil.example).xlsx` shown there
fetches an image and draws a link. So in `pages/`, `app_state/` and
`dashboard.py`, whatever such a call shows must be *known text*:

- a literal, or a constant of the code (an UPPER_CASE name, or an item of one:
  `CADENCES[code]`, `PRIORITY.labels.get(code)`);
- a number or a date put into words by `domain.formatting` (`fr_int`, `fr_date`…),
  `len(…)`, or a format spec (`{when:%d/%m/%Y}`, `{rate:.0%}`);
- anything else through `md_escape(…)` (`domain.safe_text`), which makes markdown
  that displays exactly the text;

built up with f-strings, `+`, `… if … else …`, `" · ".join(…)`. Tables go through
`visible_frame(…)` (invisible characters removed); `unsafe_allow_html=True` is
allowed only on constants and `html.escape(…)`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "app_state").glob("*.py"), ROOT / "dashboard.py"])

# Calls whose text arguments Streamlit renders as markdown: name -> positional indexes and keywords to check.
LABEL = ((0,), ("label", "body", "help", "placeholder"))
MARKDOWN_CALLS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "markdown": ((0,), ("body", "help")), "write": ((0, 1, 2, 3), ()), "caption": ((0,), ("body", "help")),
    "title": ((0,), ("body", "help")), "header": ((0,), ("body", "help")), "subheader": ((0,), ("body", "help")),
    "info": ((0,), ("body",)), "warning": ((0,), ("body",)), "error": ((0,), ("body",)), "success": ((0,), ("body",)),
    "toast": ((0,), ("body",)), "metric": ((0, 1, 2), ("label", "value", "delta", "help")),
    "expander": LABEL, "popover": LABEL, "status": LABEL, "button": LABEL, "download_button": LABEL,
    "link_button": LABEL, "form_submit_button": LABEL, "page_link": ((1,), ("label", "help")), "checkbox": LABEL,
    "toggle": LABEL, "radio": LABEL, "selectbox": LABEL, "multiselect": LABEL, "select_slider": LABEL,
    "pills": LABEL, "segmented_control": LABEL, "slider": LABEL, "text_input": LABEL, "text_area": LABEL,
    "number_input": LABEL, "date_input": LABEL, "time_input": LABEL, "file_uploader": LABEL, "color_picker": LABEL,
    "progress": ((1,), ("text",)), "spinner": ((0,), ("text",)), "tabs": ((0,), ("tabs",)),
    "page_header": ((1,), ("title",)),  # app_state.page_header(page, title): the page's title
}
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control", "select_slider"}  # their option labels are markdown too
PLAIN_OPTIONS = {"selectbox", "multiselect"}  # plain text: md_escape there would show its backslashes
# code_markdown: Markdown written in the code (domain.safe_text.CodeMarkdown), user text escaped inside
SAFE_FUNCTIONS = {"md_escape", "code_markdown", "fr_int", "fr_date", "fr_days", "fr_pct", "rate_with_counts", "len", "int", "round"}
TEXT_METHODS = {"lower", "upper", "capitalize", "strip", "rstrip", "lstrip", "title"}
_NUMBER_SPEC = re.compile(r"^[<>^=+\- #0-9,._]*[bcdeEfFgGnoxX%]$")  # a number type is required: "{name:>10}" pads text


def _constant_name(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return bool(name) and name.isupper()


def _code_constant(node: ast.AST) -> bool:
    """`CADENCES`, `CADENCES[code]`, `PRIORITY.labels[code]`, `PERIODS.get(code)`, `X.labels.get(code, "")`."""
    if isinstance(node, ast.Subscript):
        return _code_constant(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return _code_constant(node.func.value) and all(safe(a) for a in node.args[1:])
    if isinstance(node, ast.Attribute) and node.attr == "labels":
        return _constant_name(node.value)
    return _constant_name(node)


def _callee(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""


def safe(node: ast.AST | None) -> bool:
    """Whether `node` can only produce text that is safe to render as markdown."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(safe(part) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        spec = ast.unparse(node.format_spec)[2:-1] if node.format_spec else ""
        return safe(node.value) or bool(spec) and ("%" in spec or bool(_NUMBER_SPEC.match(spec)))
    if isinstance(node, ast.BinOp):
        return safe(node.left) and safe(node.right)
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(safe(v) for v in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(safe(e) for e in node.elts)
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return safe(node.elt)
    if isinstance(node, ast.Call):
        name = _callee(node)
        if name in SAFE_FUNCTIONS:
            return True
        if name == "join" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant):
            return all(safe(a) for a in node.args)
        if name in TEXT_METHODS and isinstance(node.func, ast.Attribute):
            return safe(node.func.value)
        return _code_constant(node)
    return _code_constant(node)


def _safe_callable(node: ast.AST) -> bool:
    """A format_func whose labels are safe markdown: a lambda returning safe text, md_escape, or a constant's .get."""
    if isinstance(node, ast.Lambda):
        return safe(node.body)
    if isinstance(node, ast.Name) and node.id == "md_escape":
        return True
    if isinstance(node, ast.Attribute) and node.attr == "get" and isinstance(node.value, ast.Dict):
        return all(safe(v) for v in node.value.values)  # {"keep": "inchangé", …}.get
    return isinstance(node, ast.Attribute) and node.attr == "get" and _code_constant(node.value)


def _calls_md_escape(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and _callee(n) == "md_escape" for n in ast.walk(node))


def _html_safe(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_html_safe(p) for p in node.values)
    if isinstance(node, ast.FormattedValue):
        return _html_safe(node.value)
    if isinstance(node, ast.Call) and _callee(node) == "escape":
        return True
    return _constant_name(node)


def violations(source: str, name: str) -> list[str]:
    """Every markdown-rendering call of `source` that may show unescaped text, as « file:line: call »."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        where = f"{name}:{node.lineno}: {ast.unparse(node)[:120]}"
        if method == "dataframe" and node.args:
            data = node.args[0]  # visible_frame(table), or a Styler of it: visible_frame(table).style.format(…)
            if not any(isinstance(n, ast.Call) and _callee(n) == "visible_frame" for n in ast.walk(data)):
                found.append(where + "  (table not through visible_frame)")
            continue
        if method not in MARKDOWN_CALLS:
            continue
        if method == "markdown" and isinstance(keywords.get("unsafe_allow_html"), ast.Constant) \
                and keywords["unsafe_allow_html"].value is True:
            if not all(_html_safe(a) for a in node.args[:1]):
                found.append(where + "  (HTML not escaped)")
            continue
        positions, names = MARKDOWN_CALLS[method]
        shown = [node.args[i] for i in positions if i < len(node.args)] + [keywords[k] for k in names if k in keywords]
        if method == "tabs" and shown and isinstance(shown[0], (ast.List, ast.Tuple)):
            shown = list(shown[0].elts)
        if not all(safe(value) for value in shown):
            found.append(where)
        if method in MARKDOWN_OPTIONS:
            if "format_func" in keywords:
                if not _safe_callable(keywords["format_func"]):
                    found.append(where + "  (option labels not escaped)")
            elif len(node.args) > 1 and not safe(node.args[1]) or "options" in keywords and not safe(keywords["options"]):
                found.append(where + "  (options shown as markdown)")
        if method in PLAIN_OPTIONS and "format_func" in keywords and _calls_md_escape(keywords["format_func"]):
            found.append(where + "  (md_escape in plain-text options shows backslashes)")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pages_show_user_text_only_through_md_escape(path):
    assert violations(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize("snippet", [
    'st.write(f"Fichier « {line[\'file_name\']} »")',
    "st.caption(counts)",
    'st.markdown(f"#### {file_name} — {sector.name}")',
    'st.subheader("Import " + name)',
    "st.info(plan.message)",
    'left.metric(partner, fr_int(3))',
    'st.button(f"Importer {plan.file_name}", key="k")',
    'with st.expander(heading):\n    pass',
    'st.radio("Choix", options, format_func=lambda o: names[o], key="r")',
    'st.radio("Choix", names, key="r")',
    'st.tabs([sector.name, "Tout"])',
    'st.selectbox("Fichier", ids, format_func=lambda i: md_escape(names[i]), key="s")',
    "st.dataframe(table, key='t')",
    'st.markdown(f"<h2>{scope}</h2>", unsafe_allow_html=True)',
    'st.sidebar.markdown(f"**{principal.display_name}**")',
    'st.error(f"{len(rows)} lignes de {who}")',
    'st.caption(f"Fichier {name:>40}")',
])
def test_the_rule_catches_user_text(snippet):
    assert violations(snippet, "exemple.py"), snippet


@pytest.mark.parametrize("snippet", [
    'st.write(f"Fichier « {md_escape(line[\'file_name\'])} », importé le {when:%d/%m/%Y} par {md_escape(who)}.")',
    'st.caption(f"{fr_int(n)} ligne(s) · " + " · ".join(f"{md_escape(k)} : {fr_int(v)}" for k, v in counts))',
    'st.info(STATUS_MESSAGES[plan.status])',
    'st.metric("Problèmes ouverts", fr_int(len(opened)), delta=f"il y a {days} j" if late else None)' .replace(
        "{days}", "{fr_int(days)}"),
    'st.radio("Regrouper par", list(GROUPINGS), format_func=GROUPINGS.get, key="g")',
    'st.selectbox("Secteur", ids, format_func=lambda s: names[s], key="s")',
    'st.dataframe(visible_frame(table), key="t")',
    'st.markdown(f"<h2>{html.escape(scope)}</h2>", unsafe_allow_html=True)',
    'st.markdown(f"**{md_escape(title)}**")',
    'st.caption(CADENCES[sector.cadence].lower())',
])
def test_the_rule_lets_known_text_through(snippet):
    assert violations(snippet, "exemple.py") == [], snippet


@pytest.mark.parametrize("text", [
    "Identifiant ou mot de passe incorrect.",
    "Import n° 3 enregistré : suivi_gpo_forbach.xlsx, secteur Forbach – Bellevue-Wiesberg, 12 ligne(s).",
    "45 % (9/20) · 12.5 j · l'été « ok » ! ?",
])
def test_md_escape_leaves_plain_french_text_as_it_is(text):
    from domain.safe_text import md_escape

    assert md_escape(text) == text  # AppTest reads the markdown source: messages stay readable there too


def test_md_escape_leaves_no_markdown_to_read():
    """What each construct needs is escaped (Chromium shows the result literally: tests/browser/test_text_as_text.py)."""
    from domain.safe_text import WORD_JOINER, md_escape

    out = md_escape("![b](http://127.0.0.2:9/x.png) [Cliquez ici](https://evil.example) www.evil.example x@evil.example "
                    ":red[r] :material/home: :smile: $x$ **g** _i_ ~~s~~ `c` <b> &amp; \u202eexe.txt\n# titre")
    assert not re.search(r"(?<!\\)[\[\]`*$<~]", out)  # links, images, emphasis, code, LaTeX, HTML
    assert not re.search(r"(?i)(https?:|www\.|\w@)", out)  # GitHub's literal autolinks
    assert not re.search(r"(?<![\\\s]):|:(?=\w)", out.replace("\\:", ""))  # :emoji: and :material/…: shortcodes
    assert "material\\/" in out and "\\&amp;" in out and "\\_i\\_" in out
    assert "\u202e" not in out and "\n" not in out and WORD_JOINER in out
    assert md_escape("# titre").startswith("\\#") and md_escape("1. liste") == "1\\. liste"
