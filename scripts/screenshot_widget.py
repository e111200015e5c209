"""Screenshots of the open widget for the README: desktop and a 375 px phone.

Run with the system up (`make run` in another terminal):
    .venv/bin/python scripts/screenshot_widget.py [http://localhost:8000/]
Writes docs/widget-desktop.png and docs/widget-mobile.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from devtools.browser import launch_chromium

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VIEWPORTS = {"desktop": (1280, 800), "mobile": (375, 740)}


def main(url: str) -> None:
    """Opens the widget, asks one question, and saves one screenshot per viewport."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.click("#cw-launcher")
            if page.locator("#cw-privacy").is_visible():
                page.click("#cw-privacy-ok")
            page.fill("#cw-input", "is klonopin addictive")
            page.press("#cw-input", "Enter")
            expect(page.locator(".cw-quick-reply").last).to_be_visible()
            path = PROJECT_ROOT / "docs" / f"widget-{name}.png"
            page.screenshot(path=str(path))
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8000/")
