"""The meeting screen on a projector (1920×1080) and a laptop (1366×768): every slide fits, no scrolling."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("size", ["1920x1080", "1366x768"])
@pytest.mark.parametrize("screen", ["mode_reunion?secteur=woippy", "ecran_rotation?csp=metz"])
def test_slides_fit_the_screen(visit, size, screen):
    tab = visit(size)
    tab.open(f"/{screen}&ecran=1&embed=true&intervalle=600")
    page = tab.page
    assert page.locator("[data-testid=stSidebar]").count() == 0 or not page.locator("[data-testid=stSidebar]").is_visible()
    pause = page.get_by_role("button", name="Pause")
    total = int(pause.inner_text().rsplit("/", 1)[1])
    height = page.viewport_size["height"]
    for n in range(total):
        # the slide the user is on: while a run redraws the buttons the old « Pause · n / N » may still be there,
        # greyed out, beside the new one; the one with this slide's number is what the user waits for
        expect(page.get_by_role("button", name=f"Pause · {n + 1} / {total}")).to_be_visible(timeout=90_000)
        tab.wait_idle()
        if page.locator("[data-testid=stPlotlyChart]").count():  # the rotation's map slide: wait until it is painted
            tab.wait_map_drawn(page.locator(".js-plotly-plot").first)
        overflow = page.evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
        assert overflow[0] <= overflow[1] + 1, f"diapositive {n + 1} : la page défile ({overflow})"
        buttons = page.get_by_role("button", name="Suivant").bounding_box()
        assert buttons["y"] + buttons["height"] <= height, f"diapositive {n + 1} : boutons hors de l'écran"
        tab.shot(f"{screen.split('?')[0]}_{size}_{n + 1:02d}")
        page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("button", name=f"Pause · 1 / {total}")).to_be_visible(timeout=90_000)  # back to the first
    assert not tab.real_errors()
