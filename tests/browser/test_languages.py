"""Done-when of the languages work: a Russian-profile employee, caller, manager, editor and CX admin
each visit every page their menu reaches (and the admin dashboard and the digest desk when they
may), and read no text of the English catalogue and no raw slug; an English profile reads no
Cyrillic. Customers' words are exempt: they keep their language, marked with ``lang``."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from npshub.feedback.models import DimensionValue
from tests.browser.helpers import sign_in

ROLES = ["employee", "caller", "manager", "editor", "cxadmin"]
ADMIN_PAGES = {"editor": ["/admin/", "/admin/digest/"], "cxadmin": ["/admin/", "/admin/digest/"]}
CYRILLIC = re.compile("[А-Яа-яЁё]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|<[^>]*>")

# What a person reads: the page without scripts, and without customers' words in another language.
READABLE_TEXT = """(language) => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("script, style, noscript, template, [hidden], .visually-hidden").forEach(e => e.remove());
  body.querySelectorAll("[lang]").forEach(e => { if (e.getAttribute("lang") !== language) e.remove(); });
  const options = [...body.querySelectorAll("option")].map(o => o.textContent).join(" \\n ");
  return body.innerText + " \\n " + options;
}"""


def english_catalogue():
    """Fragments of our English interface strings that have a different Russian translation:
    long enough (two words, ten letters) that finding one on a Russian page is no coincidence."""
    po = (Path(settings.BASE_DIR) / "site" / "npshub" / "locale" / "ru" / "LC_MESSAGES" / "django.po").read_text()
    fragments = set()
    for block in po.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr or "#, fuzzy" in block:
            continue
        english = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
        russian = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
        if not russian or russian == english:
            continue
        for fragment in PLACEHOLDER.split(english):
            fragment = fragment.strip(" .,:;—–-()«»“”")
            if len(fragment) >= 10 and len(fragment.split()) >= 2 and not CYRILLIC.search(fragment):
                fragments.add(fragment)
    return fragments


def named_slugs():
    """Slugs that have a Russian label other than themselves: reading one means a slug was shown."""
    russian = DimensionValue.objects.filter(locale__language_code="ru").exclude(label="")
    return {v.slug for v in russian if v.label != v.slug and len(v.slug) >= 4 and re.fullmatch(r"[a-z][a-z0-9-]+", v.slug)}


def menu_links(page, base_url):
    hrefs = page.eval_on_selector_all(".site-nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parsed = urlparse(href)
        if parsed.netloc and parsed.netloc != urlparse(base_url).netloc:
            continue
        if parsed.path not in paths:
            paths.append(parsed.path)
    return paths


def visit_all(page, base_url, username):
    sign_in(page, base_url, username)
    paths = menu_links(page, base_url) + ADMIN_PAGES.get(username, [])
    assert len(paths) >= 5, paths
    seen = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status < 400, (username, path, response.status)
        page.wait_for_load_state("domcontentloaded")
        seen[path] = (page.evaluate("() => document.documentElement.lang"), page.evaluate(READABLE_TEXT, page_lang(page)))
    return seen


def page_lang(page):
    return page.evaluate("() => document.documentElement.lang")


def set_language(username, language):
    profile = get_user_model().objects.get(username=username).profile
    profile.language = language
    profile.save()


def problems_in(browser, base_url, username, language):
    """Sign in as ``username`` with a ``language`` profile, visit every menu page; what is wrong."""
    set_language(username, language)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(30000)
    page = context.new_page()
    catalogue, slugs = english_catalogue(), named_slugs()
    assert len(catalogue) > 300 and {"kettle", "yekaterinburg"} <= slugs
    problems = []
    try:
        for path, (lang, text) in visit_all(page, base_url, username).items():
            if lang != language:
                problems.append((username, path, f"<html lang={lang}>"))
            if language == "ru":
                problems += [(username, path, f"English: {fragment}") for fragment in sorted(catalogue) if fragment in text]
                problems += [(username, path, f"slug: {slug}") for slug in sorted(slugs)
                             if re.search(rf"(?<![\w/.\[-]){re.escape(slug)}(?![\w/.\]-])", text)]  # "[phone]": masked
            else:
                problems += [(username, path, line.strip()[:160]) for line in text.splitlines() if CYRILLIC.search(line)]
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_role_reads_one_language(demo, live_server, browser, language):
    """Russian profiles: no English catalogue text, no raw slug. English profiles: no Cyrillic."""
    problems = []
    for username in ROLES:
        problems += problems_in(browser, live_server.url, username, language)
    assert problems == [], "\n".join(map(str, problems))
