"""Legacy Vietnamese encodings: tables, round trips, case restoration and detection."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cadastre.io.vn_encoding import (
    VIETNAMESE_LETTERS,
    VIETNAMESE_LOWER,
    decode_cp1258,
    decode_tcvn3,
    decode_text,
    decode_vni,
    detect_encoding,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    guess_encoding,
    is_vietnamese_syllable,
)

NAMES = [
    "Nguyễn Văn Bình",
    "Đường Hoàng Hoa Thám",
    "Phường Hàng Bạc",
    "Trần Thị Thu Hương",
    "Lê Quốc Việt",
    "Số 12 ngõ 34 phố Huế, quận Hai Bà Trưng",
    "Phạm Đức Thắng",
    "Xã Đông Anh",
]
BASIC = string.ascii_letters + string.digits + " "
VN3_UPPER = "ĂÂÊÔƠƯĐ"
ENCODERS = {"tcvn3": encode_tcvn3, "vni": encode_vni, "cp1258": encode_cp1258}

vietnamese_text = st.text(alphabet=BASIC + "".join(sorted(VIETNAMESE_LETTERS)), max_size=40)
tcvn3_representable_text = st.text(
    alphabet=BASIC + "".join(VIETNAMESE_LOWER) + VN3_UPPER, max_size=40
)


def test_tables_cover_all_134_vietnamese_letters() -> None:
    assert len(VIETNAMESE_LETTERS) == 134
    for letter in VIETNAMESE_LETTERS:
        assert decode_vni(encode_vni(letter)) == letter
        assert decode_cp1258(encode_cp1258(letter)) == letter
        in_vn3 = letter in VIETNAMESE_LOWER or letter in VN3_UPPER
        expected = letter if in_vn3 else letter.lower()
        assert decode_tcvn3(encode_tcvn3(letter), restore_case=False) == expected


def test_tcvn3_names_decode_to_unicode() -> None:
    assert decode_tcvn3(b"Nguy\xd4n V\xa8n B\xd7nh") == "Nguyễn Văn Bình"
    assert decode_tcvn3(b"\xa7\xad\xeang Ho\xb5ng Hoa Th\xb8m") == "Đường Hoàng Hoa Thám"
    assert decode_tcvn3(b"Ph\xad\xeang H\xb5ng B\xb9c") == "Phường Hàng Bạc"


def test_vni_names_decode_to_unicode() -> None:
    assert decode_vni("Nguyeãn Vaên Bình".encode("latin-1")) == "Nguyễn Văn Bình"
    assert decode_vni("Ñöôøng Hoaøng Hoa Thaùm".encode("latin-1")) == "Đường Hoàng Hoa Thám"
    assert decode_vni("Phöôøng Haøng Baïc".encode("latin-1")) == "Phường Hàng Bạc"
    assert decode_vni("NGUYEÃN THÒ AÙNH".encode("latin-1")) == "NGUYỄN THỊ ÁNH"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_decoders_accept_text_misread_as_latin1_or_cp1252(codec: str) -> None:
    for name in NAMES:
        misread_tcvn3 = encode_tcvn3(name).decode(codec)
        misread_vni = encode_vni(name).decode(codec)
        assert decode_tcvn3(misread_tcvn3) == decode_tcvn3(encode_tcvn3(name))
        assert decode_vni(misread_vni) == name


def test_cp1258_combining_tone_marks_compose_to_nfc() -> None:
    data = encode_cp1258("Nguyễn Văn Bình")
    assert b"\xde" in data  # the tilde is a separate combining byte in CP1258
    decoded = decode_cp1258(data)
    assert decoded == "Nguyễn Văn Bình"
    assert unicodedata.is_normalized("NFC", decoded)


def test_tcvn3_uppercase_toned_letters_share_lowercase_codes() -> None:
    assert encode_tcvn3("Ễ") == encode_tcvn3("ễ") == b"\xd4"
    assert encode_tcvn3("Đ") == b"\xa7"  # the seven plain capitals have their own codes


def test_tcvn3_all_caps_names_keep_their_capitals() -> None:
    assert decode_tcvn3(encode_tcvn3("NGUYỄN VĂN BÌNH")) == "NGUYỄN VĂN BÌNH"
    assert decode_tcvn3(encode_tcvn3("Ông TRẦN Văn Hà")) == "Ông TRẦN Văn Hà"


def test_tcvn3_title_case_name_starting_with_toned_vowel_gets_a_capital() -> None:
    assert decode_tcvn3(encode_tcvn3("Nguyễn Thị Ánh")) == "Nguyễn Thị Ánh"
    assert decode_tcvn3(encode_tcvn3("Đất ở đô thị")) == "Đất ở đô thị"


def test_encoders_refuse_characters_outside_the_encoding() -> None:
    for encode in ENCODERS.values():
        with pytest.raises(ValueError, match="position 1"):
            encode("a☃b")
        assert encode("a☃b", errors="replace") == b"a?b"


@settings(max_examples=300, deadline=None)
@given(tcvn3_representable_text)
def test_tcvn3_round_trips_representable_text(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text), restore_case=False) == text


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_tcvn3_round_trip_keeps_every_letter_up_to_case(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)).lower() == text.lower()


@settings(max_examples=200, deadline=None)
@given(vietnamese_text.map(str.upper))
def test_tcvn3_round_trips_all_caps_text(text: str) -> None:
    assume(sum(c.isupper() and (c.isascii() or c in VN3_UPPER) for c in text) >= 2)
    assert decode_tcvn3(encode_tcvn3(text)) == text


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_vni_round_trips_any_vietnamese_text(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_cp1258_round_trips_any_vietnamese_text(text: str) -> None:
    assert decode_cp1258(encode_cp1258(text)) == text


@pytest.mark.parametrize("name", NAMES[:3])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detection_picks_the_encoding_of_a_single_name(name: str, encoding: str) -> None:
    data = ENCODERS[encoding](name)
    assert detect_encoding([data]) == encoding
    assert detect_encoding([data.decode("latin-1")]) == encoding
    assert detect_encoding([data.decode("cp1252", errors="replace")]) == encoding


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detected_encoding_decodes_names_and_addresses(encoding: str) -> None:
    misread = [ENCODERS[encoding](name).decode("latin-1") for name in NAMES]
    detected = detect_encoding(misread)
    assert detected == encoding
    assert [decode_text(value, detected) for value in misread] == NAMES


def test_detection_leaves_unicode_and_ascii_alone() -> None:
    assert detect_encoding(NAMES) == "unicode"
    assert detect_encoding([name.encode("utf-8") for name in NAMES]) == "unicode"
    assert detect_encoding(["Nguyen Van Binh", "ODT+CLN", "12", ""]) == "unicode"
    assert detect_encoding([]) == "unicode"
    assert detect_encoding(["Épinay-sur-Orge", "Rue de l'Église"]) == "unicode"


def test_detection_recognises_double_encoded_utf8() -> None:
    misread = [name.encode("utf-8").decode("latin-1") for name in NAMES]
    assert detect_encoding(misread) == "utf-8"
    assert [decode_text(value, "utf-8") for value in misread] == NAMES


def test_non_vietnamese_8bit_bytes_are_cp1252() -> None:
    assert detect_encoding([b"\xc9pinay-sur-Orge", b"Ch\xe2teau"]) == "cp1252"


def test_detection_reports_its_evidence() -> None:
    guess = guess_encoding([encode_tcvn3(name) for name in NAMES])
    assert guess.encoding == "tcvn3"
    assert guess.scores["tcvn3"] == 1.0
    assert "non-ASCII words" in guess.describe()


def test_decode_text_never_converts_real_unicode() -> None:
    assert decode_text("Nguyễn Văn Bình", "tcvn3") == "Nguyễn Văn Bình"
    decomposed = unicodedata.normalize("NFD", "Hà Nội")
    assert decode_text(decomposed, "unicode") == "Hà Nội"


SYLLABLES = (
    "nguyễn văn bình đường hoàng hoa thám phường hàng bạc trần thị thu hương lê quốc việt "
    "phạm đức thắng xã đông anh ngõ phố huế quận hai bà trưng thôn giếng khuyến huỳnh"
)
syllables = st.sampled_from(SYLLABLES.split())
names = st.lists(syllables, min_size=2, max_size=4).map(lambda w: " ".join(w).title())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(names, min_size=6, max_size=15, unique=True),
    st.sampled_from(["tcvn3", "vni", "cp1258"]),
)
def test_detection_finds_the_encoding_of_any_layer_of_names(
    layer: list[str], encoding: str
) -> None:
    assume(sum(not name.isascii() for name in layer) >= 4)
    assert detect_encoding(layer) == "unicode"
    assert detect_encoding([ENCODERS[encoding](name) for name in layer]) == encoding


@pytest.mark.parametrize(
    ("word", "valid"),
    [
        ("Nguyễn", True),
        ("quốc", True),
        ("giếng", True),
        ("khuya", True),
        ("Huỳnh", True),
        ("Nguyen", False),  # "uyen" without the circumflex is no Vietnamese rhyme
        ("NguyÔn", False),
        ("bàt", False),  # a stop coda takes only the acute or dot tone
        ("hàả", False),
    ],
)
def test_vietnamese_syllable_check(word: str, valid: bool) -> None:
    assert is_vietnamese_syllable(word) is valid
