"""Icons draw on a machine without an emoji font: Material icons (a font Streamlit bundles), never emoji."""

import ast
import re
import unicodedata
from pathlib import Path

import pytest
from streamlit.string_util import is_material_icon

ROOT = Path(__file__).resolve().parent.parent
# Everything that writes what a user reads: pages, the entry script, slides, charts, tables, PDFs, messages.
SOURCES = sorted(p for p in ROOT.rglob("*.py")
                 if not {"tests", "scripts", "benchmarks", ".git", ".venv", "venv"} & set(p.relative_to(ROOT).parts))
MATERIAL = re.compile(r"^:material/([a-z0-9_]+):$")


def is_emoji_like(char: str) -> bool:
    """A pictograph an ordinary text font lacks: emoji, dingbats, media-control and geometric symbols
    (⏸ ▶ ◀ ✅ ⏳ ℹ️ 🗺️…). Typographic signs every font has (« » – — · … ° → ≤) are not."""
    code = ord(char)
    return (code >= 0x1F000 or 0x2300 <= code <= 0x2BFF or code in (0x2139, 0x200D, 0xFE0F, 0x20E3)
            or (code > 0xFF and unicodedata.category(char) == "So"))


def string_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_the_scan_covers_the_ui_code():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"dashboard.py", "navigation.py", "app_state/screens.py", "incidents.py", "pages/mode_reunion.py",
            "briefing/slides.py"} <= names


@pytest.mark.parametrize("text,emoji", [("⏸  Pause", True), ("Suivant  ▶", True), ("🗺️", True), ("ℹ️", True),
                                        ("✅", True), ("⏳", True), ("« n° 3 » – 5 j · 80 % → ≤", False)])
def test_emoji_detection(text, emoji):
    assert any(map(is_emoji_like, text)) is emoji


def test_no_emoji_in_ui_code():
    found = [f"{p.relative_to(ROOT)}:{line}: {text!r}" for p in SOURCES for line, text in string_literals(p)
             if any(map(is_emoji_like, text))]
    assert not found, "\n".join(found)


def test_every_icon_is_a_material_symbol_streamlit_knows():
    """icon= arguments and the menu's icons: `:material/name:` with a name from Streamlit's list (it raises on
    an unknown one only when the line runs)."""
    icons = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "icon":
                icons += [(path.name, c.value) for c in ast.walk(node.value)
                          if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(":material"):
                icons.append((path.name, node.value))
    assert len({i for _, i in icons}) >= 15
    for name, icon in icons:
        match = MATERIAL.match(icon)
        assert match and is_material_icon(match.group(1)), f"{name}: {icon!r}"


def test_favicon_is_a_local_image():
    from PIL import Image

    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert 'FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"' in source
    assert "page_icon=str(FAVICON)" in source
    with Image.open(ROOT / "static" / "favicon.png") as image:
        assert image.format == "PNG" and image.size == (64, 64)
