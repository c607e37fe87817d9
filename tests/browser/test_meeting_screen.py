"""The meeting screen on a projector (1920×1080) and a laptop (1366×768): every slide fits, no scrolling."""

import pytest


@pytest.mark.parametrize("size", ["1920x1080", "1366x768"])
@pytest.mark.parametrize("screen", ["mode_reunion?secteur=woippy", "ecran_rotation?csp=metz"])
def test_slides_fit_the_screen(visit, size, screen):
    tab = visit(size)
    tab.open(f"/{screen}&ecran=1&embed=true&intervalle=600", wait_ms=3000)
    page = tab.page
    assert page.locator("[data-testid=stSidebar]").count() == 0 or not page.locator("[data-testid=stSidebar]").is_visible()
    label = page.get_by_role("button", name="Pause").inner_text()
    total = int(label.rsplit("/", 1)[1])
    height = page.viewport_size["height"]
    for n in range(total):
        page.wait_for_timeout(1500 if "rotation" in screen else 600)
        overflow = page.evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
        assert overflow[0] <= overflow[1] + 1, f"diapositive {n + 1} : la page défile ({overflow})"
        page.get_by_role("button", name="Suivant").wait_for(state="visible")
        buttons = page.get_by_role("button", name="Suivant").bounding_box()
        assert buttons["y"] + buttons["height"] <= height, f"diapositive {n + 1} : boutons hors de l'écran"
        tab.shot(f"{screen.split('?')[0]}_{size}_{n + 1:02d}")
        page.get_by_role("button", name="Suivant").click()
    assert not tab.real_errors()
