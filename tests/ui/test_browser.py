"""The page in a real browser: Debian's headless Chromium driven by Playwright.

Screenshots land in out/browser/ so a person can look at what the test saw.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import PRESSER, ROOT

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `make test` installs it
# This machine's network is closed: Chromium must not try to phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "out" / "browser"
ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (make test does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url)
    yield page
    context.close()
    assert errors == [], f"the page raised: {errors}"


def ask(page, question: str, answers_so_far: int) -> str:
    """Type a question, press Ask, wait until the streamed answer is complete; its text."""
    page.locator("#tqa-question textarea").fill(question)
    page.locator("#tqa-ask").click()
    reply = page.locator("#tqa-chat .message.bot").nth(answers_so_far)
    reply.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # The answer streams in: it is complete when its text has stopped changing and the
    # page shows no request in progress.
    busy = page.locator("#tqa-chat .generating, .progress-text, .eta-bar")
    text, stable_since = "", time.monotonic()
    deadline = time.monotonic() + ANSWER_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = reply.inner_text()
        if now != text or busy.count():
            text, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since > 1.0:
            return text
    raise AssertionError(f"the answer to {question!r} did not settle; last seen: {text!r}")


def test_question_source_card_and_transcript_view(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    answer = ask(page, "How many nuclear warheads will China have by the end of the decade?", 0)
    assert "thousand nuclear warheads" in answer and "[1]" in answer
    card = page.locator("#tqa-source-1")
    card.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Mark Rutte" in card.inner_text() and "line 117" in card.inner_text()
    assert "thousand nuclear warheads" in card.locator("mark").first.inner_text()
    page.screenshot(path=SHOTS / "answer.png", full_page=True)

    follow_up = ask(page, "How many warheads?", 1)
    assert "thousand" in follow_up

    page.get_by_role("button", name="View [1] in transcript").click()
    target = page.locator("#tqa-transcript .tqa-target")
    target.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert target.get_attribute("id") == "L117"
    assert page.locator("#tqa-transcript .tqa-line").count() > 117  # the whole transcript, numbered
    page.wait_for_timeout(500)  # the scroll into view
    assert target.is_visible() and target.bounding_box() is not None
    page.screenshot(path=SHOTS / "transcript.png")

    # The next answer brings other cards: the transcript opened from the last one closes.
    ask(page, "What did Rutte say about terrorism?", 2)
    page.locator("#tqa-transcript").wait_for(state="hidden", timeout=ANSWER_TIMEOUT_MS)

    page.locator("#tqa-clear").click()
    page.locator("#tqa-chat .message").first.wait_for(state="detached", timeout=ANSWER_TIMEOUT_MS)


def test_an_empty_question_says_what_to_do_and_keeps_the_last_answer(page):
    page.locator("#tqa-question textarea").fill("   ")
    page.locator("#tqa-ask").click()
    page.get_by_text("Type a question in the box first").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#tqa-chat .message").count() == 0
    ask(page, "How many nuclear warheads will China have by the end of the decade?", 0)
    page.get_by_role("button", name="View [1] in transcript").click()
    page.locator("#tqa-transcript .tqa-target").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#tqa-question textarea").fill("")
    page.locator("#tqa-ask").click()
    page.get_by_text("Type a question in the box first").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # whatever the empty question would change, it has by now
    assert page.locator("#tqa-source-1").is_visible() and page.locator("#tqa-transcript").is_visible()
    assert page.locator("#tqa-chat .message.bot").count() == 1


def test_two_quotes_of_one_turn_show_the_question_once(page):
    answer = ask(page, "What did Rutte say about China?", 0)
    assert "[2]" in answer  # the build-up sentence, then "They will have a thousand nuclear warheads ..."
    second = page.locator("#tqa-source-2")
    second.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "In the same turn as [1]" in second.inner_text() and "In reply to" not in second.inner_text()
    assert "In reply to" in page.locator("#tqa-source-1").inner_text()


def test_markup_in_a_transcript_is_shown_and_never_run(page):
    answer = ask(page, "What does the zebra ledger entry read?", 0)
    page.locator("#tqa-source-1").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "zebra ledger entry reads <script>window." in answer
    assert "<script>window.__xss = 1</script> in full." in page.locator("#tqa-source-1").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#tqa-source-1 script, #tqa-source-1 img, #tqa-chat img[src='x']").count() == 0
    page.screenshot(path=SHOTS / "markup.png", full_page=True)


def test_a_dropped_transcript_can_be_asked_about(page, tmp_path, live_server):
    transcript = tmp_path / "budget-briefing.txt"
    transcript.write_text(PRESSER.replace("Riga", "Tartu"), encoding="utf-8")
    page.get_by_text("Add transcripts").click()
    page.locator("#tqa-upload input[type=file]").set_input_files(transcript)
    page.get_by_text("budget-briefing: added").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert (live_server.uploads / "budget-briefing.txt").exists()
    # Gradio's own copy of the upload is kept inside the app's upload folder too
    assert list((live_server.uploads / ".incoming").rglob("budget-briefing.txt"))
    page.get_by_text("Filters and settings").click()
    page.get_by_label("Document").click()
    page.get_by_role("option", name="budget-briefing").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.keyboard.press("Escape")
    answer = ask(page, "Where is the new training centre?", 0)
    assert "Tartu" in answer
    page.screenshot(path=SHOTS / "upload.png", full_page=True)
