from crm.core.search.terms import fold, is_one_typo, search_query_parse, typo_variants, words


def test_fold_drops_accents_and_case():
    assert fold("José MUÑOZ Çelik") == "jose munoz celik"


def test_words_split_emails_and_punctuation():
    assert words("jose.munoz@Example.com") == ["jose", "munoz", "example", "com"]


def test_phone_like_query_keeps_its_digits():
    assert search_query_parse("+34 (600) 123-456").digits == "34600123456"
    assert search_query_parse("60").digits == ""  # too short to be a phone
    assert search_query_parse("Ana 600").digits == ""


def test_ids_are_compacted_without_punctuation():
    assert search_query_parse("B-12.345.678").code == "b12345678"
    assert search_query_parse("Ana López").code == ""


def test_typo_variants_cover_one_edit_of_each_kind():
    variants = typo_variants("gonzalez")
    for typo in ("gonzales", "gonzlaez", "gonzaez", "gonzaalez"):
        assert typo in variants and is_one_typo(typo, "gonzalez")
    assert "gonzalez" not in variants
    assert not is_one_typo("gonzalez", "gomzales")


def test_short_words_are_not_typo_tolerant():
    assert search_query_parse("ruis gonzales").typo_words == ("gonzales",)


def test_fold_through_the_table_equals_unicode_folding_for_every_latin_character():
    import random
    import unicodedata

    def slow(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    chars = [chr(c) for c in range(0x20, 0x2FF)] + ["ß", "Æ", "Œ", "ŀ", "ǅ", "İ", "ﬁ", "Ω", "東", "\u0301"]
    for c in chars:
        assert fold(c) == slow(c), repr(c)
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(1, 12)))
        assert fold(text) == slow(text), repr(text)
    assert fold("José MUÑOZ Ñandú") == "jose munoz nandu"
