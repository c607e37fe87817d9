"""Draw the browser tab's icon, `static/favicon.png`: a shield in the French flag's blue, white and red.

    python scripts/draw_favicon.py

Drawn here with Pillow (no font, no outside image), so the app ships its own
favicon: an emoji needs an emoji font on the viewer's machine, and a Material
icon as favicon is fetched by the browser from a font CDN, unreachable offline.
Drawn at 4× and scaled down for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "favicon.png"
SIZE = 64
SCALE = 4
BLUE, WHITE, RED, OUTLINE = (0, 0, 145), (255, 255, 255), (225, 0, 15), (20, 20, 40)


def shield(size: int) -> list[tuple[float, float]]:
    """The outline: flat top, straight sides, then two curves meeting in a point at the bottom."""
    left, right, top, waist, bottom = 0.12 * size, 0.88 * size, 0.08 * size, 0.55 * size, 0.94 * size
    middle = size / 2
    points = [(left, top), (right, top), (right, waist)]
    steps = 24
    for i in range(1, steps + 1):  # right side curving in to the point
        t = i / steps
        points.append((right - (right - middle) * t ** 1.6, waist + (bottom - waist) * t))
    for i in range(steps - 1, -1, -1):  # and back up the left side
        t = i / steps
        points.append((left + (middle - left) * t ** 1.6, waist + (bottom - waist) * t))
    return points


def draw() -> Image.Image:
    big = SIZE * SCALE
    outline = shield(big)
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    bands = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    paint = ImageDraw.Draw(bands)
    third = (0.88 - 0.12) * big / 3
    for n, colour in enumerate((BLUE, WHITE, RED)):
        x0 = 0.12 * big + n * third
        paint.rectangle([x0, 0, x0 + third, big], fill=colour + (255,))
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    image.paste(bands, (0, 0), mask)
    ImageDraw.Draw(image).line(outline + [outline[0]], fill=OUTLINE + (255,), width=3 * SCALE, joint="curve")
    return image.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    draw().save(OUT, optimize=True)
    print(f"{OUT} ({OUT.stat().st_size} octets)")
