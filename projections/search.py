"""Name search in Arabic and Latin script.

Names are indexed as one normalised text: Arabic without diacritics or
tatweel, with the alef, yeh and teh marbuta forms folded; Latin case-folded
and without accents. A query is normalised the same way and every word must
appear. On PostgreSQL a trigram index (migration 0002) serves these
``icontains`` lookups; on SQLite the same query scans, which is fine at the
size of a directory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_ARABIC_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFC", text))
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Strip Latin accents only: Arabic letters decompose to nothing here.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def search_text(*texts: Iterable[str] | str) -> str:
    parts: list[str] = []
    for text in texts:
        if isinstance(text, str):
            parts.append(text)
        else:
            parts.extend(text)
    return " | ".join(normalise(p) for p in parts if p)


def query_words(query: str) -> list[str]:
    return [w for w in normalise(query).split(" ") if w][:8]
