"""The web surface in headless Chromium, as people meet it: a sign-in lockout and its unlock by a CX
admin, four eyes on the approvals page, notifications read by a button, and a revoked meeting-room
screen that clears itself. Screenshots at 1366 px and 390 px; nothing scrolls sideways on a phone."""

import datetime

from playwright.sync_api import expect

from nps_widgets.models import Screen
from rewards import ledger
from rewards.models import Notification, Redemption, RewardItem
from tests import factories as f
from tests.browser.helpers import VIEWPORTS, sign_in
from tests.plugins.nps_widgets.helpers import add_responses


def no_sideways_scroll(page, width):
    """Nothing wider than the device (on a phone Chromium widens the layout viewport instead)."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shoot(browser, url, path, cookies=()):
    """The page at 1366 px and 390 px; each must fit its width."""
    for name, (width, height) in (("laptop", VIEWPORTS["laptop"]), ("phone", VIEWPORTS["phone"])):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=name == "phone")
        context.add_cookies(list(cookies))
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=str(path.with_name(f"{path.stem}-{width}.png")), full_page=True)
        assert no_sideways_scroll(page, width), (url, width)
        context.close()


def try_sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/?next=/rewards/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def test_a_locked_out_employee_is_told_why_and_a_cx_admin_unlocks_them(live_server, browser, settings, tmp_path):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    base = live_server.url
    person, admin = f.user("employee"), f.user("cx_admin")
    from npshub.people.roles import ensure_groups

    ensure_groups()
    admin_context = browser.new_context(viewport={"width": 1366, "height": 800})
    admin_page = admin_context.new_page()
    sign_in(admin_page, base, admin.username, f.PASSWORD, next_path="/admin/")  # before the attack
    expect(admin_page).to_have_url(f"{base}/admin/")

    user_context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = user_context.new_page()
    try:
        for _ in range(2):
            try_sign_in(page, base, person.username, "not-my-password")
            expect(page.locator(".message--error")).to_contain_text("didn't match")
        try_sign_in(page, base, person.username, "not-my-password")
        expect(page.locator("[data-lockout]")).to_contain_text("Too many failed sign-in attempts")
        expect(page.locator("[data-lockout]")).to_contain_text("30 minutes")
        try_sign_in(page, base, person.username, f.PASSWORD)  # the right password does not help now
        expect(page.locator("[data-lockout]")).to_be_visible()
        for width, height in (VIEWPORTS["laptop"], VIEWPORTS["phone"]):
            context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
            other = context.new_page()
            try_sign_in(other, base, person.username, f.PASSWORD)
            expect(other.locator("[data-lockout]")).to_be_visible()
            other.screenshot(path=str(tmp_path / f"lockout-{width}.png"), full_page=True)
            assert no_sideways_scroll(other, width)
            context.close()

        admin_page.goto(f"{base}/admin/sign-in-lockouts/")
        for kind, value in (("username", person.username), ("address", "127.0.0.1")):
            row = admin_page.locator(f"tr[data-lockout='{kind}:{value}']")
            expect(row).to_contain_text("locked out")
        admin_page.screenshot(path=str(tmp_path / "lockouts-admin-1366.png"), full_page=True)
        shoot(browser, f"{base}/admin/sign-in-lockouts/", tmp_path / "lockouts-admin", admin_context.cookies())
        admin_page.locator(f"tr[data-lockout='username:{person.username}'] button[type=submit]").click()
        expect(admin_page.locator(".messages")).to_contain_text(f"{person.username} can sign in again")
        # Every failure from the address was that user's: the address is free again too.
        expect(admin_page.locator("tr[data-lockout]")).to_have_count(0)

        try_sign_in(page, base, person.username, f.PASSWORD)
        expect(page).to_have_url(f"{base}/rewards/")
    finally:
        user_context.close()
        admin_context.close()


def test_a_cx_admin_approves_others_but_never_their_own_request(live_server, browser, tmp_path):
    base = live_server.url
    admin, colleague = f.user("cx_admin"), f.user("employee")
    item = RewardItem.objects.create(name="Noise-cancelling headphones", price=100, stock=5, needs_approval=True)
    for person in (admin, colleague):
        ledger.credit(person, 200, "Bonus")
    f.api(admin).post(f"/api/v1/rewards/items/{item.pk}/redeem/")
    theirs = f.api(colleague).post(f"/api/v1/rewards/items/{item.pk}/redeem/").json()["id"]
    own = Redemption.objects.get(user=admin)

    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, base, admin.username, f.PASSWORD, next_path="/rewards/approvals/")
        expect(page.locator("[data-own-pending]")).to_contain_text("nobody decides on their own request")
        expect(page.locator(f"form[action='/rewards/approvals/{own.pk}/']")).to_have_count(0)
        shoot(browser, f"{base}/rewards/approvals/", tmp_path / "approvals", context.cookies())
        page.locator(f"form[action='/rewards/approvals/{theirs}/'] button[value=approve]").click()
        expect(page.locator(".message--success")).to_contain_text("Approved.")
        own.refresh_from_db()
        assert own.status == Redemption.PENDING and Redemption.objects.get(pk=theirs).status == Redemption.APPROVED
    finally:
        context.close()

    # The colleague reads the approval on their profile and marks it read with a button.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, base, colleague.username, f.PASSWORD, next_path="/me/")
        expect(page.locator(".rw-notes li.is-new")).to_contain_text("was approved")
        page.reload()
        expect(page.locator(".rw-notes li.is-new")).to_have_count(1)  # looking changed nothing
        page.screenshot(path=str(tmp_path / "profile-390.png"), full_page=True)
        assert no_sideways_scroll(page, 390)
        page.click("[data-mark-read]")
        expect(page.locator(".rw-notes li.is-new")).to_have_count(0)
        assert not Notification.objects.filter(user=colleague, read_at__isnull=True).exists()
    finally:
        context.close()


def test_a_revoked_screen_stops_showing_figures_within_seconds(asgi_server, browser, tmp_path):
    add_responses([10, 9, 2])
    screen = Screen.objects.create(name="Boardroom", slide_seconds=60)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}{screen.get_absolute_url()}")
        expect(page.locator(".slide--score [data-nps]")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("data-live", "connected", timeout=10000)
        Screen.objects.filter(pk=screen.pk).update(active=False)
        expect(page.locator(".slide--score [data-nps]")).to_have_count(0, timeout=8000)
        expect(page.locator("h1")).to_have_text("Page not found")
        page.screenshot(path=str(tmp_path / "screen-revoked-1920.png"))
    finally:
        context.close()
