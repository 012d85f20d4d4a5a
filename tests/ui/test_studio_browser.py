"""The whole studio flow in Debian Chromium at a desktop (1440×900) and a phone (390×844) size, as a newcomer
meets it: storyboard → approve → a message typed during production (queued and acknowledged) → the video →
version 2's storyboard → version 1 reopened. At every step: no horizontal overflow, no raw ids, fit scores,
per-second prices or server paths in the visible text; the player inside the viewport. Screenshots of each
step are kept under test-artifacts/ui/<device>/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_gradio_studio import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, studio  # noqa: F401 - the `studio` fixture

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
FORMATS = ("16:9", "9:16", "1:1", "4:5")
JARGON = (r"\bs\d\d-\d+[a-z]?\b", r"\bfit \d\.\d\d", r"\$\d+\.\d{3}/s", r"\bvia (?:local|direct|fal|replicate)\b",
          r"(?:^|\s)/[\w.-]+/[\w./-]+\.(?:mp4|json|srt|vtt|otio)\b", r"\b(?:plan_scenes|select_models|update_brief)\b")


class Walk:
    """One device's walk: checks and screenshots after each step."""

    def __init__(self, page, device: str) -> None:
        self.page, self.device = page, device
        self.folder = ARTIFACTS / device
        self.folder.mkdir(parents=True, exist_ok=True)

    def step(self, name: str) -> None:
        page = self.page
        page.wait_for_timeout(400)  # let layout settle after the last update
        page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.device} {name}: the page is {overflow}px wider than the screen"
        text = page.evaluate("document.body.innerText")
        found = {p: re.search(p, text, re.MULTILINE).group(0) for p in JARGON if re.search(p, text, re.MULTILINE)}
        assert not found, f"{self.device} {name}: engine jargon on screen: {found}"

    def player_fits(self) -> None:
        video = self.page.locator("video").first
        video.scroll_into_view_if_needed()
        self.page.wait_for_timeout(300)
        box = video.bounding_box()
        w, h = VIEWPORTS[self.device]
        assert box is not None and box["height"] <= h and box["width"] <= w, f"{self.device}: player {box}"
        assert box["y"] >= -1 and box["y"] + box["height"] <= h + 1, f"{self.device}: player not in view: {box}"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                         "(apt-get install chromium)")
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_studio_flow_fits_the_screen_speaks_plainly_and_queues(studio: str, tmp_path: Path, device: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    width, height = VIEWPORTS[device]
    aspects = ["9:16", "16:9"] if device == "desktop" else ["9:16"]  # a tall and a wide player on the desktop
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            tmp_path / "chrome", executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height})
        try:
            page = browser.new_page()
            walk = Walk(page, device)
            page.goto(studio)
            box = page.get_by_placeholder("Describe your video")
            expect(box).to_be_visible(timeout=30_000)
            walk.step("0-start")
            for aspect in FORMATS:
                page.get_by_label(aspect, exact=True).set_checked(aspect in aspects)
            box.fill("a 6 second teaser for a neighbourhood bakery's new sourdough")
            box.press("Enter")

            expect(page.get_by_text("awaiting your approval")).to_be_visible(timeout=90_000)
            expect(page.get_by_text("No video model is configured")).to_have_count(1)  # said once, plainly
            expect(page.locator(".rf-card").first).to_contain_text("Scene 1 · ")
            walk.step("1-storyboard")
            board = page.locator("#rf-step-storyboard").bounding_box()
            settings = page.get_by_text("Video settings", exact=True).bounding_box()
            if device == "phone":  # the storyboard comes right after the chat, before every setting
                assert board is not None and settings is not None and board["y"] < settings["y"]
            top = page.evaluate("document.getElementById('rf-step-storyboard').getBoundingClientRect().top")
            assert -5 <= top <= height / 2, f"{device}: the new storyboard is not in view (top {top}px)"

            page.get_by_role("button", name="Approve & produce").click()
            expect(page.locator("#rf-step-production")).to_be_visible(timeout=30_000)
            box.fill("make the music calmer")
            box.press("Enter")
            expect(page.get_by_text("being made right now")).to_be_visible(timeout=30_000)  # acknowledged
            walk.step("2-production")

            # the render finishes, then the queued message is applied: version 2's storyboard replaces the player
            expect(page.get_by_text("while I was busy")).to_be_visible(timeout=240_000)
            expect(page.locator(".rf-version")).to_have_text("v2", timeout=90_000)
            expect(page.get_by_text("awaiting your approval")).to_be_visible()
            walk.step("3-storyboard-v2")

            page.locator(".rf-versions label", has_text="Version 1").click()  # reopen the delivered version
            expect(page.locator("video").first).to_be_visible(timeout=30_000)
            expect(page.get_by_role("button", name=re.compile(r"^Video 9:16 .*MP4 · [\d.]+ (KB|MB)$"))).to_be_visible()
            walk.player_fits()
            walk.step("4-version-1")
        finally:
            browser.close()
    for name in ("1-storyboard", "2-production", "3-storyboard-v2", "4-version-1"):
        assert (ARTIFACTS / device / f"{name}.png").stat().st_size > 10_000
