"""Word stems for topic matching, English and Russian (Snowball stemmers).

A word's script picks the stemmer: Cyrillic words get the Russian one, Latin words the English
one, so a comment in either language (or mixing both) matches rules written in either.
"""

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CYRILLIC = re.compile(r"[а-яё]")
_english = snowballstemmer.stemmer("english")
_russian = snowballstemmer.stemmer("russian")


def words(text):
    """The lower-cased words of ``text`` (letters only; ё read as е; apostrophes kept inside)."""
    return _WORD.findall((text or "").lower().replace("ё", "е").replace("’", "'"))


@lru_cache(maxsize=200_000)
def stem(word):
    """The stem of one lower-cased word."""
    if _CYRILLIC.search(word):
        return _russian.stemWord(word)
    return _english.stemWord(word)


def stems(text):
    return [stem(word) for word in words(text)]
