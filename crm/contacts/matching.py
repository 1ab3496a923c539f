"""Duplicate matching: folded keys (stored for blocking) and the score of a pair of records.

Pure functions, no database: the services normalise with them on write, the scan and the create/edit warnings
score with them, and the labelled evaluation in bench/ measures them.

The score is a Fellegi–Sunter style sum of evidence (agreement adds, disagreement subtracts, a rare name counts
more than a common one) squashed into 0..1. How rare a person's name is comes, in the scan, from how often each of
its words occurs in the whole base (`NameStatistics`: "Marta Wilson Esteban" is far rarer than "Lucas Guerrero"
even when both are shared by exactly two records); without those statistics (the warning while typing, a small
base), from how many records share it. The thresholds below were chosen on labelled data with realistic errors
(`python bench/dedupe.py eval`; figures in bench/notes/duplicates.md and BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import OSA, JaroWinkler

# A pair at or above this score is proposed in the review queue (and warned of while typing).
REVIEW_THRESHOLD = 0.5
# Automatic merging only at or above this score: precision ≥ 99.5% on the labelled evaluation.
AUTO_MERGE_THRESHOLD = 0.85
# Blocks larger than this are skipped (a switchboard phone, a very common name): they cannot be told apart.
BLOCK_CAP = 40
NAME_BLOCK_CAP = 5
# The evidence sum at which a pair is even odds.
OFFSET = 5.5

LEGAL_FORMS = frozenset(
    {
        "sl",
        "slu",
        "sa",
        "sau",
        "sll",
        "scoop",
        "cb",
        "sc",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "srl",
        "spa",
        "sas",
        "sarl",
    }
)
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "outlook.com",
        "outlook.es",
        "live.com",
        "yahoo.com",
        "yahoo.es",
        "icloud.com",
        "me.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "telefonica.net",
    }
)

REASON_LABELS = {
    "same_email": _("same email"),
    "same_phone": _("same phone"),
    "same_name": _("same name"),
    "swapped_name": _("first and last name swapped"),
    "similar_name": _("similar name"),
    "same_account": _("same account"),
    "same_email_user": _("same email user name"),
    "same_tax_id": _("same tax id"),
    "same_domain": _("same web domain"),
}

_DOTS = re.compile(r"[.'’]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: "  Peña-López, S.L." → "pena lopez sl"."""
    if not text:
        return ""
    return _fold(str(text))


@functools.lru_cache(maxsize=200_000)  # names repeat a lot: a scan folds each distinct one once
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ł", "l").replace("đ", "d")
    return " ".join(_NON_ALNUM.sub(" ", _DOTS.sub("", bare)).split())


def person_name_key(first_name: str | None, last_name: str | None) -> str:
    """The stored blocking key of a person: folded name tokens in sorted order (so swapped names agree)."""
    return " ".join(sorted(fold(f"{first_name or ''} {last_name or ''}").split()))[:200]


def company_name_key(name: str | None) -> str:
    """The stored blocking key of an organisation: folded name without its legal form ("Acme, S.L." → "acme")."""
    tokens = fold(name).split()
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return " ".join(kept or tokens)[:200]


def tax_key(value: str | None) -> str:
    return _NON_ALNUM.sub("", fold(value))


def web_domain(website: str | None = "", email: str | None = "") -> str:
    """The organisation's own domain: from the website, else from a non-webmail email address."""
    if website:
        host = urlsplit(website if "://" in website else f"https://{website}").hostname or ""
        host = host.lower().removeprefix("www.")
        if host:
            return host
    domain = (email or "").rpartition("@")[2].lower()
    return "" if domain in FREE_MAIL else domain


@dataclass(frozen=True)
class Profile:
    """What matching knows of one record (already normalised: emails lower-case, phones E.164)."""

    id: int
    first: str = ""  # folded; for accounts the folded company key
    last: str = ""
    emails: frozenset[str] = field(default_factory=frozenset)
    phones: frozenset[str] = field(default_factory=frozenset)
    account_id: int | None = None
    tax_id: str = ""
    domain: str = ""
    name_count: int = 1  # how many records share this name key (a common name is weaker evidence)
    # how many other records would bear this name by chance, from the frequencies of its words in the whole base
    # (NameStatistics); None when unknown (then name_count alone says how common the name is)
    namesakes: float | None = None
    # the words of the name that are rare in the whole base (a misspelling is rare, a real name is not); None
    # when unknown
    rare_words: frozenset[str] | None = None


@dataclass
class NameStatistics:
    """How often each person name key, and each word of one, occurs among the live records of a base.

    The scan builds it from one grouped pass over the stored name keys. The chance that an unrelated record bears
    a name is the product of its words' frequencies (the classic frequency-based agreement weight of record
    linkage): first names and surnames combine almost independently, so a first name with two surnames is rare
    even where each word on its own is common."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # only keys shared by 2 or more records
    words: dict[str, int] = field(default_factory=dict)  # occurrences of each word in the keys

    @classmethod
    def from_counts(cls, rows: Iterable[tuple[str, int]]) -> NameStatistics:
        """From (name key, how many records have it) rows."""
        stats = cls()
        words: Counter[str] = Counter()
        singles: list[str] = []  # most keys belong to one record: their words are counted in one C-level pass
        for key, n in rows:
            if not key:
                continue
            stats.total += n
            if n == 1:
                singles.append(key)
                continue
            stats.counts[key] = n
            for word in key.split():
                words[word] += n
        words.update(" ".join(singles).split())
        stats.words = dict(words)
        return stats

    def count(self, key: str) -> int:
        return self.counts.get(key, 1)

    def describe(self, key: str) -> tuple[int, float | None, frozenset[str] | None]:
        """For one name key: how many records share it; how many records would bear it by chance among `total`
        unrelated ones (the product of its words' frequencies); and its words at most a couple of records (or 1 in
        5,000) have — likely misspellings. The last two are None for an empty name or a small base."""
        count = self.counts.get(key, 1)
        if not key or self.total < STATISTICS_MIN_NAMES:
            return count, None, None
        total = self.total
        limit = max(2.0, total / 5000)
        expected = float(total)
        rare = NO_WORDS
        for word in key.split():
            n = self.words.get(word, 0)
            expected *= max(n, 1) / total
            if n <= limit:
                rare = rare | {word}
        return count, expected, rare


NO_WORDS: frozenset[str] = frozenset()
# Word frequencies from fewer names than this are noise: a small base keeps the exact-name count alone (where a
# name without any other evidence is proposed for review, never merged automatically).
STATISTICS_MIN_NAMES = 1000


def contact_profile(
    *,
    id: int,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    other_emails: Iterable[str] = (),
    phone: str = "",
    mobile: str = "",
    other_phones: Iterable[str] = (),
    account_id: int | None = None,
    name_count: int = 1,
    namesakes: float | None = None,
    rare_words: frozenset[str] | None = None,
) -> Profile:
    return Profile(
        id=id,
        first=fold(first_name),
        last=fold(last_name),
        emails=frozenset(e.lower() for e in (email, *other_emails) if e),
        phones=frozenset(p for p in (phone, mobile, *other_phones) if p),
        account_id=account_id,
        name_count=max(1, name_count),
        namesakes=namesakes,
        rare_words=rare_words,
    )


def account_profile(
    *,
    id: int,
    name: str = "",
    tax_id: str = "",
    website: str = "",
    email: str = "",
    other_emails: Iterable[str] = (),
    phone: str = "",
    other_phones: Iterable[str] = (),
    name_count: int = 1,
) -> Profile:
    return Profile(
        id=id,
        first=company_name_key(name),
        emails=frozenset(e.lower() for e in (email, *other_emails) if e),
        phones=frozenset(p for p in (phone, *other_phones) if p),
        tax_id=tax_key(tax_id),
        domain=web_domain(website, email),
        name_count=max(1, name_count),
    )


def _sim(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return float(JaroWinkler.similarity(a, b))


# A name shared by this many records or more is common whatever its words say (a person has at most a few
# duplicate records); below it, the words' frequencies tell a rare name from a common one.
SHARED_NAME = 4


def _rarity(a: Profile, b: Profile) -> float:
    """log10 of how many namesakes to expect: -1 for a very rare name … 0 for one other … 2 for a hundred."""
    if a.namesakes is None or b.namesakes is None:
        return min(2.0, math.log10(max(a.name_count - 1, b.name_count - 1, 1)))
    count = max(a.name_count, b.name_count)
    # the larger of the two: a typo makes one side's words look rarer than the name is
    expected = max(a.namesakes, b.namesakes, count - 1 if count >= SHARED_NAME else 0.0)
    return max(-1.0, min(2.0, math.log10(max(expected, 1e-9))))


def _real_names_differ(a: Profile, b: Profile, key_a: str, key_b: str) -> bool:
    """Whether two similar names differ in words that are all common in the base (Marco / Mario): two real names,
    so two people (brothers at one number, colleagues), not a typo — a misspelling makes a rare word. Without
    word statistics, unknown (False)."""
    if a.rare_words is None or b.rare_words is None:
        return False
    words_a, words_b = set(key_a.split()), set(key_b.split())
    return not ((words_a - words_b) & a.rare_words or (words_b - words_a) & b.rare_words)


def _name_evidence(a: Profile, b: Profile, reasons: list[str]) -> float:
    """Agreement of person names, tolerant of typos, dropped accents and swapped first/last names."""
    key_a = " ".join(sorted(f"{a.first} {a.last}".split()))
    key_b = " ".join(sorted(f"{b.first} {b.last}".split()))
    if not key_a or not key_b:
        return 0.0
    rarity = _rarity(a, b)
    straight = f"{a.first} {a.last}".strip() == f"{b.first} {b.last}".strip()
    if straight or key_a == key_b:
        reasons.append("same_name" if straight else "swapped_name")
        return 6.0 - 2.0 * rarity
    if a.first and a.last and b.first and b.last:
        # both parts must look alike (a sister at the same number has the same surname, not a similar name)
        pairs = (((a.first, b.first), (a.last, b.last)), ((a.first, b.last), (a.last, b.first)))
        sim = 0.0
        for (f1, f2), (l1, l2) in pairs:
            first, last = _sim(f1, f2), _sim(l1, l2)
            if min(first, last) >= 0.85:
                sim = max(sim, (first + last) / 2)
        if sim == 0.0:
            sim = min(_sim(key_a, key_b), 0.8)
    else:
        sim = _sim(key_a, key_b)
    if sim >= 0.86 and _real_names_differ(a, b, key_a, key_b):
        reasons.append("different_name")
        return -2.0
    if sim >= 0.86 and len(key_a) >= 8 and OSA.distance(key_a, key_b) == 1:
        # one letter dropped, doubled, replaced or two swapped: a typo far more often than another person
        reasons.append("similar_name")
        return 5.4 - rarity
    if sim >= 0.93:
        reasons.append("similar_name")
        return 3.4 - rarity
    if sim >= 0.86:
        reasons.append("similar_name")
        return 2.0
    if sim < 0.75:
        reasons.append("different_name")
        return -6.0
    return -2.0


def _company_evidence(a: Profile, b: Profile, reasons: list[str]) -> float:
    if not a.first or not b.first:
        return 0.0
    if a.first == b.first:
        reasons.append("same_name")
        return 6.0 - 2.0 * _rarity(a, b)
    sim = _sim(a.first, b.first)
    if sim >= 0.93:
        reasons.append("similar_name")
        return 3.0
    if sim < 0.75:
        reasons.append("different_name")
        return -6.0
    return -2.0


def _email_domain(email: str) -> str:
    return email.rpartition("@")[2]


def _contact_points(a: Profile, b: Profile, reasons: list[str]) -> float:
    total = 0.0
    if a.emails and b.emails:
        if a.emails & b.emails:
            reasons.append("same_email")
            total += 6.0
        else:
            users_a = {e.partition("@")[0] for e in a.emails}
            users_b = {e.partition("@")[0] for e in b.emails}
            shared_users = users_a & users_b
            domains = {_email_domain(e) for e in a.emails} & {_email_domain(e) for e in b.emails}
            if shared_users and min(len(u) for u in shared_users) >= 5:
                reasons.append("same_email_user")
                total += 0.5  # namesakes often pick the same user name at different providers
            elif domains - FREE_MAIL:
                total -= 2.0  # two addresses at the same company: usually two colleagues
            else:
                total -= 0.5
    if a.phones and b.phones:
        if a.phones & b.phones:
            reasons.append("same_phone")
            total += 4.5
        else:
            total -= 1.0
    return total


def score_pair(a: Profile, b: Profile, *, kind: str = "contact") -> tuple[float, list[str]]:
    """How likely `a` and `b` are the same person (kind="contact") or organisation (kind="account"): a score in
    0..1 and the reasons (keys of REASON_LABELS) that support it."""
    reasons: list[str] = []
    if kind == "account":
        total = _company_evidence(a, b, reasons)
        if a.tax_id and b.tax_id:
            if a.tax_id == b.tax_id:
                reasons.append("same_tax_id")
                total += 6.0
            else:
                total -= 8.0  # two tax ids are two legal entities
        if a.domain and b.domain:
            if a.domain == b.domain:
                reasons.append("same_domain")
                total += 2.5
            else:
                total -= 0.5
    else:
        total = _name_evidence(a, b, reasons)
        if a.account_id and b.account_id:
            if a.account_id == b.account_id:
                reasons.append("same_account")
                total += 3.0
            else:
                total -= 1.0
    total += _contact_points(a, b, reasons)
    score = 1.0 / (1.0 + math.exp(-(total - OFFSET)))
    return round(score, 4), [r for r in reasons if not r.startswith("different_")]


def reason_labels(reasons: Iterable[str]) -> list[str]:
    return [str(REASON_LABELS.get(r, r)) for r in reasons]
