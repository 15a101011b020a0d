"""Legacy Vietnamese 8-bit text encodings (TCVN3, VNI, CP1258): decode, encode and detect.

Old cadastral files store Vietnamese in TCVN3 (ABC, TCVN 5712:1993 VN3, the ".VnTime" fonts)
or VNI-Windows bytes; GDAL usually hands them over as if they were CP1252 or Latin-1. Every
decoder here therefore accepts raw bytes or such a mis-decoded str, and returns Unicode NFC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

Encoding = Literal["unicode", "utf-8", "cp1252", "cp1258", "tcvn3", "vni"]
"""What `detect_encoding` can answer: how to turn the samples into correct Unicode."""

LEGACY_ENCODINGS: tuple[str, ...] = ("tcvn3", "vni", "cp1258", "utf-8")
"""Readings tried against the do-nothing one ('utf-8': UTF-8 bytes misread as 8-bit text)."""

# Tone marks as combining characters, in the order the legacy tables list them.
GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES: tuple[str, ...] = (GRAVE, HOOK, TILDE, ACUTE, DOT)
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

BASE_VOWELS_LOWER = "aăâeêioôơuưy"
"""The twelve Vietnamese vowel letters; each takes five tones."""


def _nfc(text: str) -> str:
    """Compose to NFC (precomposed letters), the form the register stores."""
    return unicodedata.normalize("NFC", text)


def _toned(vowel: str, tone: str) -> str:
    """The precomposed letter for a vowel letter with a tone mark."""
    return _nfc(vowel + tone)


VIETNAMESE_LOWER: tuple[str, ...] = (
    *(_toned(v, t) for v in BASE_VOWELS_LOWER for t in TONES),
    "ă", "â", "ê", "ô", "ơ", "ư", "đ",
)  # fmt: skip
"""The 67 lowercase letters with diacritics (60 toned vowels + ă â ê ô ơ ư đ)."""
VIETNAMESE_UPPER: tuple[str, ...] = tuple(c.upper() for c in VIETNAMESE_LOWER)
VIETNAMESE_LETTERS: frozenset[str] = frozenset(VIETNAMESE_LOWER + VIETNAMESE_UPPER)
"""All 134 Vietnamese letters with diacritics, lower and upper case."""
_LOWER_TONED: frozenset[str] = frozenset(_toned(v, t) for v in BASE_VOWELS_LOWER for t in TONES)

# ---------------------------------------------------------------------------------------------
# Byte view: legacy bytes, whether given as bytes or mis-decoded as Latin-1 / CP1252
# ---------------------------------------------------------------------------------------------


def _cp1252_translation() -> dict[int, int]:
    """Map the characters CP1252 gives bytes 0x80-0x9F back to those bytes."""
    translation: dict[int, int] = {}
    for byte in range(0x80, 0xA0):
        try:
            translation[ord(bytes([byte]).decode("cp1252"))] = byte
        except UnicodeDecodeError:
            continue  # undefined in CP1252: Latin-1 readers already give chr(byte)
    return translation


_CP1252_TRANSLATION = _cp1252_translation()


def byte_chars(value: str | bytes) -> str:
    """Legacy bytes as a str of chars U+0000-U+00FF (one per byte); other chars are kept."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return value.translate(_CP1252_TRANSLATION)


def legacy_bytes(value: str | bytes) -> bytes | None:
    """The bytes a str was mis-decoded from (Latin-1 or CP1252), or None if it cannot be."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    try:
        return byte_chars(value).encode("latin-1")
    except UnicodeEncodeError:
        return None


# ---------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993 VN3, the ABC / .VnTime fonts)
# ---------------------------------------------------------------------------------------------

# VN3 positions of the toned lowercase vowels, tones in TONES order.
_TCVN3_TONED_CODES: dict[str, tuple[int, int, int, int, int]] = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN_CODES: dict[str, int] = {
    "\u00a0": 0xA0,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
}  # fmt: skip


def _tcvn3_vn3_table() -> dict[str, int]:
    """The VN3 repertoire: 67 lowercase letters, 7 uppercase letters and the NBSP."""
    table = dict(_TCVN3_PLAIN_CODES)
    for vowel, codes in _TCVN3_TONED_CODES.items():
        for tone, code in zip(TONES, codes, strict=True):
            table[_toned(vowel, tone)] = code
    return table


# Decode-only extensions from the fuller TCVN 5712 forms (VN2 fills VN3's gaps with some
# uppercase toned letters and combining tones; VN1 puts more uppercase in 0x80-0x9F). Real
# TCVN3 text never uses these bytes, so reading them this way costs nothing.
_TCVN3_VN2_EXTRA: dict[int, str] = {
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
    0xB0: GRAVE, 0xB1: HOOK, 0xB2: TILDE, 0xB3: ACUTE, 0xB4: DOT,
}  # fmt: skip
_TCVN3_VN1_UPPER = "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # bytes 0x80-0x9F

_TCVN3_VN3: dict[str, int] = _tcvn3_vn3_table()
_TCVN3_DECODE: dict[int, str] = {
    **{byte: char for char, byte in _TCVN3_VN3.items()},
    **_TCVN3_VN2_EXTRA,
    **{0x80 + index: char for index, char in enumerate(_TCVN3_VN1_UPPER)},
}
_TCVN3_TRANSLATION = dict(_TCVN3_DECODE)
# TCVN3 has no uppercase toned letters: the capital font draws them from the lowercase codes.
_TCVN3_ENCODE: dict[str, int] = {
    **{upper: _TCVN3_VN3[upper.lower()] for upper in VIETNAMESE_UPPER},
    **_TCVN3_VN3,
}


def decode_tcvn3(value: str | bytes, *, restore_case: bool = True) -> str:
    """Decode TCVN3 text (bytes or a CP1252/Latin-1 mis-decoded str) to Unicode NFC.

    TCVN3 writes uppercase toned vowels with lowercase codes (a capital font draws them), so
    with `restore_case` a toned vowel inside an otherwise uppercase word or text is capitalised.
    """
    text = _nfc(byte_chars(value).translate(_TCVN3_TRANSLATION))
    return restore_tcvn3_case(text) if restore_case else text


def encode_tcvn3(text: str, *, errors: Literal["strict", "replace"] = "strict") -> bytes:
    """Encode Unicode text as TCVN3 bytes (uppercase toned vowels take the lowercase codes)."""
    out = bytearray()
    for position, char in enumerate(_nfc(text)):
        if ord(char) < 0x80:
            out.append(ord(char))
        elif char in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[char])
        elif errors == "replace":
            out.append(ord("?"))
        else:
            raise ValueError(f"character {char!r} at position {position} has no TCVN3 code")
    return bytes(out)


_WORD_SEPARATOR = re.compile(r"[\s!-/:-@\[-`{-~0-9]+")
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~0-9]+")


def _char_class(chars: Iterable[str]) -> re.Pattern[str]:
    """A regex matching any one of the given characters."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]")


# Letters a TCVN3 text can hold: Latin-1 (undecoded bytes) and Vietnamese letters.
_LETTER_RANGE = [chr(code) for code in range(0x250)] + list(VIETNAMESE_LETTERS)
_CASELESS = _char_class(_LOWER_TONED)
_RECORDED_LOWER = _char_class(c for c in _LETTER_RANGE if c.islower() and c not in _LOWER_TONED)
_RECORDED_UPPER = _char_class(c for c in _LETTER_RANGE if c.isupper())
_UPPER_CASELESS = {ord(c): c.upper() for c in _LOWER_TONED}


def _is_caseless_lower(char: str) -> bool:
    """A lowercase toned vowel: in TCVN3 its case is unknown (the font decided it)."""
    return char in _LOWER_TONED


def _upper_caseless(text: str) -> str:
    """Capitalise the toned lowercase vowels of a text."""
    return text.translate(_UPPER_CASELESS)


def _is_all_caps(text: str) -> bool:
    """True when the letters whose case TCVN3 records are all uppercase (two at least)."""
    if _RECORDED_LOWER.search(text):
        return False
    return len(_RECORDED_UPPER.findall(text, 0, len(text))) >= 2


def restore_tcvn3_case(text: str) -> str:
    """Capitalise toned vowels that a TCVN3 capital font drew as uppercase.

    Rules: an all-caps text or word gets its toned vowels capitalised; in a Title Case text
    (at least two other words starting with a capital) a word starting with a toned vowel
    gets a capital initial ("Nguyễn Thị ánh" -> "Nguyễn Thị Ánh").
    """
    if not _CASELESS.search(text):
        return text
    if _is_all_caps(text):
        return _upper_caseless(text)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    chars = list(text)
    for index, (start, end) in enumerate(words):
        word = text[start:end]
        if _is_all_caps(word):
            chars[start:end] = _upper_caseless(word)
        elif _is_caseless_lower(word[0]) and _in_title_case_context(text, words, index):
            chars[start] = word[0].upper()
    return "".join(chars)


def _in_title_case_context(text: str, words: list[tuple[int, int]], index: int) -> bool:
    """True when at least two other words exist and all of them start with a capital."""
    others = [text[start] for i, (start, _end) in enumerate(words) if i != index]
    return len(others) >= 2 and all(initial.isupper() for initial in others)


# ---------------------------------------------------------------------------------------------
# VNI-Windows: a base letter followed by a separate diacritic byte
# ---------------------------------------------------------------------------------------------

# Lowercase modifier bytes (as Latin-1 chars); uppercase ones are these minus 0x20.
_VNI_TONE = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï"}
_VNI_CIRCUMFLEX = {None: "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"}
_VNI_BREVE = {None: "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"}
_VNI_TONED_I = {ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}


def _vni_upper(sequence: str) -> str:
    """The uppercase VNI sequence: each Latin-1 byte moves down by 0x20 (letters upcase)."""
    return sequence.upper()


def _split_letter(letter: str) -> tuple[str, str | None, str | None]:
    """A Vietnamese letter as (ASCII base, shape mark or None, tone mark or None)."""
    marks = unicodedata.normalize("NFD", letter)
    base, rest = marks[0], marks[1:]
    shape = next((m for m in rest if m in (_CIRCUMFLEX, _BREVE, _HORN)), None)
    tone = next((m for m in rest if m in TONES), None)
    return base, shape, tone


def _vni_lower_sequence(letter: str) -> str:
    """The VNI byte sequence (as Latin-1 chars) of a lowercase Vietnamese letter."""
    if letter in _VNI_SINGLE:
        return _VNI_SINGLE[letter]
    base, shape, tone = _split_letter(letter)
    if shape == _CIRCUMFLEX:
        return base + _VNI_CIRCUMFLEX[tone]
    if shape == _BREVE:
        return base + _VNI_BREVE[tone]
    if shape == _HORN:
        return _VNI_SINGLE["ơ" if base == "o" else "ư"] + (_VNI_TONE[tone] if tone else "")
    if base == "i":
        return _VNI_TONED_I[tone] if tone else "i"
    return base + (_VNI_TONE[tone] if tone else "")


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(letter -> VNI sequence, VNI sequence -> letter) for all 134 letters."""
    encode: dict[str, str] = {}
    for lower in VIETNAMESE_LOWER:
        encode[lower] = _vni_lower_sequence(lower)
        encode[lower.upper()] = _vni_upper(encode[lower])
    decode = {sequence: letter for letter, sequence in encode.items()}
    for letter, sequence in list(encode.items()):
        if len(sequence) == 2:
            # Accept a modifier in the other case too (mixed-case typing); the base decides.
            swapped = sequence[0] + sequence[1].swapcase()
            decode.setdefault(swapped, letter)
    decode.setdefault("yï", "ỵ")
    decode.setdefault("YÏ", "Ỵ")
    return encode, decode


_VNI_ENCODE, _VNI_DECODE = _vni_tables()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True) if len(s) > 1)
)
_VNI_SINGLE_TRANSLATION = {ord(s): c for s, c in _VNI_DECODE.items() if len(s) == 1}


def decode_vni(value: str | bytes) -> str:
    """Decode VNI-Windows text (bytes or a CP1252/Latin-1 mis-decoded str) to Unicode NFC."""
    text = byte_chars(value)
    pieces: list[str] = []
    position = 0
    for match in _VNI_PATTERN.finditer(text):
        pieces.append(text[position : match.start()].translate(_VNI_SINGLE_TRANSLATION))
        pieces.append(_VNI_DECODE[match.group()])
        position = match.end()
    pieces.append(text[position:].translate(_VNI_SINGLE_TRANSLATION))
    return _nfc("".join(pieces))


def encode_vni(text: str, *, errors: Literal["strict", "replace"] = "strict") -> bytes:
    """Encode Unicode text as VNI-Windows bytes."""
    out: list[str] = []
    for position, char in enumerate(_nfc(text)):
        if ord(char) < 0x80:
            out.append(char)
        elif char in _VNI_ENCODE:
            out.append(_VNI_ENCODE[char])
        elif char == "\u00a0":
            out.append(char)
        elif errors == "replace":
            out.append("?")
        else:
            raise ValueError(f"character {char!r} at position {position} has no VNI code")
    return "".join(out).encode("latin-1")


# ---------------------------------------------------------------------------------------------
# CP1258 (Windows Vietnamese): base letters plus combining tone marks
# ---------------------------------------------------------------------------------------------


def decode_cp1258(value: str | bytes) -> str:
    """Decode CP1258 text (bytes or a mis-decoded str) and compose its tone marks (NFC)."""
    data = legacy_bytes(value)
    if data is None:
        return _nfc(str(value))
    return _nfc(data.decode("cp1258", errors="replace"))


def encode_cp1258(text: str, *, errors: Literal["strict", "replace"] = "strict") -> bytes:
    """Encode Unicode text as CP1258: letters the code page lacks get a combining tone mark."""
    out = bytearray()
    for position, char in enumerate(_nfc(text)):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in decomposed if m in TONES)
        shaped = _nfc("".join(m for m in decomposed if m not in TONES))
        try:
            out += (shaped + tones).encode("cp1258")
        except UnicodeEncodeError:
            if errors != "replace":
                raise ValueError(
                    f"character {char!r} at position {position} has no CP1258 code"
                ) from None
            out += b"?"
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Plausibility: is a word a Vietnamese syllable?
# ---------------------------------------------------------------------------------------------

_ONSETS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_OPEN_RHYMES = (
    "a e ê i o ô ơ u ư y ia ua ưa ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu oa oe uê uy uơ "
    "iêu yêu uôi ươi ươu oai oay oao oeo uây uya uyu"
)
_CLOSED_RHYMES = (
    "am ăm âm em êm im om ôm ơm um ưm iêm yêm uôm ươm oam oăm "
    "ap ăp âp ep êp ip op ôp ơp up iêp ươp oap oăp "
    "an ăn ân en ên in on ôn ơn un ưn iên yên uôn ươn oan oăn oen uân uyn uyên "
    "at ăt ât et êt it ot ôt ơt ut ưt iêt yêt uôt ươt oat oăt oet uât uêt uyt uyêt yt "
    "ang ăng âng eng ong ông ung ưng iêng uông ương oang oăng uâng oong "
    "ac ăc âc ec oc ôc uc ưc iêc uôc ươc oac oăc ooc "
    "anh ênh inh oanh uênh uynh ynh ach êch ich oach uêch uych ych"
)
_RHYMES: frozenset[str] = frozenset((_OPEN_RHYMES + " " + _CLOSED_RHYMES).split())
_STOP_CODAS = ("c", "ch", "p", "t")
_CODAS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")
_SHAPED_VOWELS = "ăâêôơư"
_BOTH_STYLE_RHYMES = ("oa", "oe", "uy")  # hòa / hoà: old and new tone placement both occur
_SYLLABLE_LETTERS = frozenset("abcdeghiklmnopqrstuvxy") | frozenset(VIETNAMESE_LOWER)


def _tone_positions(rhyme: str) -> frozenset[int]:
    """Where in a (toneless) rhyme the tone mark may sit, by Vietnamese spelling rules.

    On the last vowel with a shape mark (ă â ê ô ơ ư) if any; else on the last vowel of a
    closed rhyme; else the first of two vowels (both for oa, oe, uy) or the middle of three.
    """
    coda = next((c for c in _CODAS if rhyme.endswith(c) and len(rhyme) > len(c)), "")
    vowels = rhyme[: len(rhyme) - len(coda)]
    shaped = [i for i, v in enumerate(vowels) if v in _SHAPED_VOWELS]
    if shaped:
        return frozenset({shaped[-1]})
    if coda or len(vowels) == 1:
        return frozenset({len(vowels) - 1})
    if len(vowels) == 2:
        return frozenset({0, 1}) if vowels in _BOTH_STYLE_RHYMES else frozenset({0})
    return frozenset({1})


_RHYME_TONE_POSITIONS: dict[str, frozenset[int]] = {r: _tone_positions(r) for r in _RHYMES}


def _strip_tone(syllable: str) -> tuple[str, list[str], int | None]:
    """The syllable without tone marks (NFC), the tone marks, and the index of the toned letter."""
    tones: list[str] = []
    position = None
    letters = []
    for index, letter in enumerate(syllable):
        decomposed = unicodedata.normalize("NFD", letter)
        found = [m for m in decomposed if m in TONES]
        if found:
            tones += found
            position = index
        letters.append(_nfc("".join(m for m in decomposed if m not in TONES)))
    return "".join(letters), tones, position


def is_vietnamese_syllable(word: str) -> bool:
    """True when a word is a well-formed Vietnamese syllable.

    Checks: Vietnamese letters only, a known onset and rhyme, at most one tone, the tone on
    the right vowel, and only the acute or dot tone before a stop (-c, -ch, -p, -t).
    """
    lowered = _nfc(word).lower()
    if not lowered or any(c not in _SYLLABLE_LETTERS for c in lowered):
        return False
    bare, tones, toned_at = _strip_tone(lowered)
    if len(tones) > 1:
        return False
    for onset in _ONSETS:
        rhyme = bare[len(onset) :]
        if not bare.startswith(onset) or rhyme not in _RHYMES:
            continue
        if not tones:
            return True
        if rhyme.endswith(_STOP_CODAS) and tones[0] not in (ACUTE, DOT):
            continue
        if toned_at is not None and toned_at - len(onset) in _RHYME_TONE_POSITIONS[rhyme]:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Decoding by name, and detection
# ---------------------------------------------------------------------------------------------


def _decode_utf8_mojibake(value: str | bytes) -> str:
    """Text whose UTF-8 bytes were read as Latin-1 / CP1252 (double-encoded UTF-8)."""
    data = legacy_bytes(value)
    if data is None:
        return _nfc(str(value))
    return _nfc(data.decode("utf-8", errors="replace"))


def decode_text(value: str | bytes, encoding: str) -> str:
    """Decode one value with a `detect_encoding` answer or a Python codec name, to NFC.

    A str that holds characters no legacy byte can produce is real Unicode already: it is only
    normalised, never converted.
    """
    if isinstance(value, str) and encoding != "unicode" and legacy_bytes(value) is None:
        return _nfc(value)
    if encoding == "unicode":
        if isinstance(value, bytes | bytearray):
            return _nfc(bytes(value).decode("utf-8", errors="replace"))
        return _nfc(value)
    if encoding == "tcvn3":
        return decode_tcvn3(value)
    if encoding == "vni":
        return decode_vni(value)
    if encoding == "cp1258":
        return decode_cp1258(value)
    if encoding == "utf-8":
        return _decode_utf8_mojibake(value)
    data = legacy_bytes(value)
    return _nfc(data.decode(encoding, errors="replace")) if data is not None else _nfc(str(value))


@dataclass(frozen=True)
class EncodingGuess:
    """The outcome of detection: the answer, and the evidence behind it."""

    encoding: str
    scores: dict[str, float]
    words: dict[str, int]

    def evidence(self) -> str:
        """The evidence behind the answer, e.g. '95% of 40 non-ASCII words are Vietnamese'."""
        informative = self.words.get(self.encoding, 0)
        if not informative:
            return "no non-ASCII text to judge"
        return f"{self.scores[self.encoding]:.0%} of {informative} non-ASCII words are Vietnamese"

    def describe(self) -> str:
        """One line for reports: the answer and its evidence."""
        return f"{self.encoding} ({self.evidence()})"


_MIN_LEGACY_SCORE = 0.5
_MIN_LEGACY_MARGIN = 0.15


def _informative_words(text: str) -> list[str]:
    """Words with a non-ASCII character: the only ones that tell encodings apart."""
    return [w for w in _WORD_SEPARATOR.split(text) if w and not w.isascii()]


def _strict_decode(data: bytes, codec: str) -> str | None:
    """Bytes decoded with a codec (NFC), or None when they are not valid in it."""
    try:
        return _nfc(data.decode(codec))
    except (UnicodeDecodeError, LookupError):
        return None


def _candidate_text(sample: str | bytes, candidate: str) -> str | None:
    """A sample decoded by one candidate, or None when the candidate cannot decode it."""
    if candidate == "unicode":
        if isinstance(sample, str):
            return _nfc(sample)
        return _strict_decode(bytes(sample), "utf-8")
    data = legacy_bytes(sample)
    if data is None:
        return None
    if candidate == "tcvn3":
        return decode_tcvn3(data)
    if candidate == "vni":
        return decode_vni(data)
    return _strict_decode(data, candidate)


def _score(samples: list[str | bytes], candidate: str) -> tuple[float, int]:
    """Share of non-ASCII words that the candidate turns into Vietnamese syllables."""
    valid = total = 0
    for sample in samples:
        text = _candidate_text(sample, candidate)
        if text is None:
            total += max(1, len(_informative_words(byte_chars(sample))))
            continue
        for word in _informative_words(text):
            total += 1
            valid += is_vietnamese_syllable(word)
    return (valid / total if total else 0.0), total


def guess_encoding(samples: Iterable[str | bytes], *, baseline: str | None = None) -> EncodingGuess:
    """Look at many strings together and say which encoding makes them Vietnamese text.

    Strings answer 'unicode' when they are fine as they are; bytes answer 'unicode' when they
    are UTF-8 (or ASCII) and 'cp1252' when they are 8-bit text that is not Vietnamese. A
    `baseline` codec (e.g. from a .cpg) replaces that do-nothing answer. A legacy encoding wins
    only when clearly more of the non-ASCII words decode to real Vietnamese syllables.
    """
    distinct = list(dict.fromkeys(s for s in samples if s is not None and not _is_ascii(s)))
    baseline = baseline or _baseline(distinct)
    candidates = tuple(dict.fromkeys((baseline, *LEGACY_ENCODINGS)))
    if baseline == "unicode" and any(isinstance(s, bytes | bytearray) for s in distinct):
        candidates = tuple(c for c in candidates if c != "utf-8")  # same as 'unicode' here
    scores: dict[str, float] = {}
    words: dict[str, int] = {}
    for candidate in candidates:
        scores[candidate], words[candidate] = _score(distinct, candidate)
    best = max(candidates, key=lambda c: scores[c])
    clearly_better = (
        scores[best] >= _MIN_LEGACY_SCORE and scores[best] >= scores[baseline] + _MIN_LEGACY_MARGIN
    )
    answer = best if best != baseline and clearly_better else baseline
    return EncodingGuess(encoding=answer, scores=scores, words=words)


def detect_encoding(samples: Iterable[str | bytes]) -> Encoding:
    """The encoding that turns these samples into Vietnamese text ('unicode' leaves them)."""
    return cast(Encoding, guess_encoding(samples).encoding)


def _is_ascii(sample: str | bytes) -> bool:
    """True for pure-ASCII samples (they fit every encoding, so they say nothing)."""
    return sample.isascii()


def _baseline(samples: list[str | bytes]) -> str:
    """The do-nothing reading: 'unicode', or 'cp1252' for bytes that are not UTF-8."""
    for sample in samples:
        if isinstance(sample, bytes | bytearray):
            try:
                bytes(sample).decode("utf-8")
            except UnicodeDecodeError:
                return "cp1252"
    return "unicode"
