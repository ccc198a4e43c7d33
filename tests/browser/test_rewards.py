"""The rewards done-when journey in headless Chromium on the demo data: a caller's completed
callback earns points and the first-callback badge; the store; a team challenge; leaderboards
and kudos."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from rewards import ledger
from npshub.translated import translated
from rewards.models import Badge, BadgeAward, Kudos, RewardItem
from tests.browser.helpers import sign_in


def _balance(page):
    """The balance as shown, in the reader's locale ("1,250" in English, "1 250" in Russian)."""
    return int(re.sub(r"[^\d-]", "", page.locator("[data-balance]").first.inner_text()))


@pytest.mark.skipif(not apps.is_installed("callbacks"), reason="needs the callbacks plugin's caller pages")
def test_completing_a_callback_credits_points_and_the_first_callback_badge(demo, live_server, page):
    caller = get_user_model().objects.get(username="caller")
    assert not BadgeAward.objects.filter(user=caller, badge__slug="first-callback").exists()
    sign_in(page, live_server.url, "caller", next_path="/me/")
    before = _balance(page)

    # The caller's real path through the callbacks plugin's pages (the demo caller reads Russian:
    # the selectors below do not depend on the language).
    page.goto(f"{live_server.url}/callbacks/")
    page.locator("table a.button[href^='/callbacks/']").first.click()
    guide = page.locator("a.button[href*='/callbacks/guide/']")
    if guide.count():
        guide.first.click()
        page.check("input[name=confirm]")
        page.locator("form:has(input[name=confirm]) button[type=submit]").click()
    page.locator("form[action$='/claim/'] button[type=submit]").click()
    page.check("input[name=outcome][value=reached]")
    page.locator("form[action$='/outcome/'] button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/")
    # The badge's name in the caller's language ("Первый перезвон" for the demo caller).
    name = translated(Badge.objects.get(slug="first-callback"), "name", caller.profile.language)
    expect(page.locator("[data-badge=first-callback]")).to_contain_text(name)
    assert _balance(page) == before + 10  # the demo rule: 10 points for a reached customer
    expect(page.locator(".rw-notes")).to_contain_text(name)


def test_redeeming_in_the_store_reduces_balance_and_stock(demo, live_server, page):
    sign_in(page, live_server.url, "employee", next_path="/rewards/")
    mug = RewardItem.objects.get(name="Branded mug")
    card = page.locator(f"[data-item='{mug.pk}']")
    balance, stock = _balance(page), int(re.sub(r"\D", "", card.locator("[data-stock]").inner_text()))
    card.locator("a.button").click()  # first what it costs and leaves, then the confirmation
    expect(page.locator("h1")).to_have_text("Confirm the redemption")
    assert int(page.locator("[data-after]").inner_text().replace(",", "")) == balance - mug.price
    page.click("text=Cancel")
    assert _balance(page) == balance  # cancelling spends nothing
    card.locator("a.button").click()
    page.click("button:has-text('Spend')")
    expect(page.locator(".message--success")).to_contain_text("Branded mug is yours")
    assert _balance(page) == balance - mug.price
    assert int(re.sub(r"\D", "", page.locator(f"[data-item='{mug.pk}'] [data-stock]").inner_text())) == stock - 1
    expect(page.locator("table")).to_contain_text("Branded mug")

    # An item that needs the manager's approval waits; its buyer can still cancel it, on a phone too.
    RewardItem.objects.filter(pk=mug.pk).update(needs_approval=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    balance = _balance(page)
    page.locator(f"[data-item='{mug.pk}'] a.button").click()
    page.click("button:has-text('Spend')")
    expect(page.locator(".message--success")).to_contain_text("waits for your manager's approval")
    assert _balance(page) == balance - mug.price
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    page.locator("button[data-cancel]").click()
    expect(page.locator(".message--success")).to_contain_text(f"Branded mug is cancelled; its {mug.price} points are back.")
    assert _balance(page) == balance
    expect(page.locator("table")).to_contain_text("Cancelled (refunded)")
    expect(page.locator("button[data-cancel]")).to_have_count(0)


def test_a_team_challenge_shows_progress(demo, live_server, page):
    sign_in(page, live_server.url, "employee", next_path="/teams/store-moscow-tverskaya/")
    challenge = page.locator("[data-challenge]").first
    expect(challenge).to_be_visible()
    expect(challenge).to_contain_text(re.compile(r"\d+%|Not enough responses|unavailable|No detractors"))
    # The API shows the reader's team challenges with the same progress.
    page.goto(f"{live_server.url}/api/v1/rewards/challenges/")
    assert '"percent"' in page.inner_text("body")


def test_leaderboards_and_kudos(demo, live_server, page):
    sign_in(page, live_server.url, "manager", next_path="/rewards/leaderboards/")
    expect(page.locator("#b-people + .rw-board li").first).to_be_visible()
    page.select_option("#period", "all")
    page.click("button:has-text('Show')")
    expect(page).to_have_url(re.compile(r"period=all"))
    expect(page.locator("#b-teams + .rw-board")).to_contain_text("Moscow Tverskaya store")

    employee = get_user_model().objects.get(username="employee")
    page.goto(f"{live_server.url}/people/{employee.pk}/")
    page.fill("#kudos-message", "Thanks for the <b>great</b> save today!")
    page.click("button:has-text('Send kudos')")
    expect(page.locator(".message--success")).to_contain_text("Kudos sent")
    expect(page.locator(".rw-feed").first).to_contain_text("Thanks for the great save today!")
    assert Kudos.objects.filter(receiver=employee, message="Thanks for the great save today!").count() == 1

    # Opting out hides the name on public boards.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "employee", next_path="/me/")
    page.click("button:has-text('Hide my name')")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "manager", next_path="/rewards/leaderboards/?period=all")
    expect(page.locator("#b-people + .rw-board")).not_to_contain_text("Emma Stone")
    expect(page.locator("#b-people + .rw-board")).to_contain_text("A colleague")


def test_rewards_pages_on_a_phone(demo, live_server, phone_page):
    sign_in(phone_page, live_server.url, "employee", next_path="/rewards/")
    for path in ("/rewards/", "/me/", "/rewards/leaderboards/", "/teams/store-moscow-tverskaya/"):
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert ledger.balance(get_user_model().objects.get(username="employee")) > 0
