"""Masking the personal data customers type into their comments, wherever employees read them.

``mask_pii(text)`` replaces e-mail addresses with ``[e-mail]``, payment card numbers (13-19
digits, spaces or dashes allowed, Luhn-checked) with ``[card]`` and phone numbers with
``[phone]``: Russian formats (+7 916 123-45-67, 8 (912) 555-12-34, 89161234567, 916 123 45 67,
local 123-45-67) and international ones (+44 20 7946 0958, +1 (555) 123-4567, 00 49 30 1234567).
Dates, times, prices and order numbers are left alone. The stored comment is never changed; its
masked copy is stored beside it once (``Response.comment_masked``), for reading and searching.
"""

import re

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}", re.UNICODE)
CARD = re.compile(r"(?<![\d+])\d(?:[ -]?\d){12,18}(?![\d])")
# A run of digits with the separators phones use; classified by its digit count below.
PHONE = re.compile(r"(?<![\w+])(?:\+|00[ ]?)?\(?\d[\d \t().-]{5,22}\d(?![\w])")
LOCAL_PHONE = re.compile(r"^\d{3}-\d{2}-\d{2}$")


def luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match):
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if 13 <= len(digits) <= 19 and luhn_ok(digits) else match.group()


def is_phone(candidate):
    digits = re.sub(r"\D", "", candidate)
    if candidate.count("(") != candidate.count(")"):
        return False
    if candidate.startswith("+") or candidate.startswith("00"):
        return 8 <= len(digits.removeprefix("00") if candidate.startswith("00") else digits) <= 15
    if len(digits) == 11 and digits[0] in "78":
        return True  # Russian: 8 912 555-12-34, 7 (916) 1234567, 89161234567
    if len(digits) == 10:
        # Russian without the trunk prefix (916 123 45 67) or North American; not a date/time.
        return not re.fullmatch(r"\d{1,4}[.-]\d{1,2}[.-]\d{1,4}", candidate) and digits[0] != "0"
    return bool(LOCAL_PHONE.match(candidate.strip()))


def _phone(match):
    text = match.group()
    stripped = text.rstrip(" \t.-(")
    tail = text[len(stripped):]
    return ("[phone]" + tail) if is_phone(stripped) else text


def mask_pii(text):
    """``text`` with e-mail addresses, card numbers and phone numbers replaced by placeholders."""
    if not text:
        return text or ""
    if "@" in text:
        text = EMAIL.sub("[e-mail]", text)
    if sum(map(str.isdigit, text)) >= 7:
        text = CARD.sub(_card, text)
        text = PHONE.sub(_phone, text)
    return text


def mask_names(text, names, placeholder="[name]"):
    """``text`` with the words of the known ``names`` (a person's, as recorded) replaced, in any
    case and with short endings (Russian "Ольгу", "Демидовой"): a name word's stem without its last
    letter, followed by up to three letters. Masks a little too much rather than too little."""
    if not text:
        return text or ""
    words = {word for name in names if name for word in re.findall(r"\w+", name) if len(word) >= 3 and not word.isdigit()}
    for word in sorted(words, key=len, reverse=True):
        stem = word[:-1] if len(word) >= 4 else word
        text = re.sub(rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)", placeholder, text, flags=re.IGNORECASE)
    return text
