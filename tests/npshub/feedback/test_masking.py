"""Personal data typed into comments is masked, in English and Russian formats."""

import pytest

from npshub.feedback.masking import luhn_ok, mask_pii


@pytest.mark.parametrize("text, expected", [
    ("Call me at +7 916 123-45-67.", "Call me at [phone]."),
    ("Мой телефон 8 (912) 555-12-34.", "Мой телефон [phone]."),
    ("звоните 89161234567 или +79161234567", "звоните [phone] или [phone]"),
    ("номер 916 123 45 67, спасибо", "номер [phone], спасибо"),
    ("8-916-123-45-67", "[phone]"),
    ("домашний 123-45-67", "домашний [phone]"),
    ("UK: +44 20 7946 0958; US: +1 (555) 123-4567; DE: 0049 30 1234567",
     "UK: [phone]; US: [phone]; DE: [phone]"),
    ("write to ivan.petrov@mail.ru or Anna+shop@example.co.uk!", "write to [e-mail] or [e-mail]!"),
    ("пишите: вася@почта.рф", "пишите: [e-mail]"),
    ("card 4111 1111 1111 1111 please refund", "card [card] please refund"),
    ("карта 5500-0000-0000-0004", "карта [card]"),
    ("Amex 378282246310005", "Amex [card]"),
])
def test_masks_phones_emails_and_cards(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", [
    "Delivered on 2026-01-02 at 10:30, three days late.",
    "Доставили 12.03.2026 в 14:00, заказ №12345678.",
    "Price went from 12 999 to 9 999 руб.",
    "I'd give it 10 out of 10",
    "Order 4111 1111 1111 1112 (not a card: Luhn fails)",
    "",
])
def test_leaves_ordinary_numbers_alone(text):
    assert mask_pii(text) == text


def test_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_none_is_empty():
    assert mask_pii(None) == ""
