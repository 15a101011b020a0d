"""The national web view's own words (Vietnamese first, English beside it); everything else
is the province web view's (cadastre.web.i18n)."""

from __future__ import annotations

from cadastre.web import i18n

MESSAGES: dict[str, dict[str, str]] = {
    "national_title": {"vi": "Tra cứu thông tin đất đai toàn quốc",
                       "en": "National land register look-up"},
    "national_lead": {
        "vi": "Tìm bất kỳ thửa đất nào trong cả nước theo số thửa, số seri Giấy chứng nhận "
              "hoặc địa chỉ. Dữ liệu do từng tỉnh, thành phố công bố.",
        "en": "Find any parcel in the country by number, certificate serial or address. "
              "Each province publishes its own data.",
    },
    "provinces": {"vi": "Các tỉnh, thành phố tham gia", "en": "Provinces in the look-up"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "data_as_of": {"vi": "Dữ liệu cập nhật đến", "en": "Data as of"},
    "feed_live": {"vi": "Đang cập nhật liên tục", "en": "Up to date (streaming)"},
    "feed_stale": {"vi": "Chưa cập nhật — tỉnh đang mất kết nối; đang hiển thị dữ liệu cũ",
                   "en": "Not up to date — the province is offline; showing its last data"},
    "never": {"vi": "chưa bao giờ", "en": "never"},
    "national_commune_help": {
        "vi": "Mã xã, phường (5 chữ số) hoặc tên; có thể ghi kèm mã tỉnh: 01/91001",
        "en": "Commune code (5 digits) or name; the province may be given first: 01/91001",
    },
    "page_pending": {
        "vi": "Tỉnh đang công bố lại trang của thửa đất này sau một thay đổi. Thông tin chi "
              "tiết sẽ có sau lần công bố tới; hãy tra cứu tại cổng thông tin của tỉnh.",
        "en": "The province is re-publishing this parcel's page after a change. Its details "
              "return with the next publication; look it up on the province's own site.",
    },
    "not_found_province": {
        "vi": "Tỉnh, thành phố {province} chưa tham gia tra cứu toàn quốc.",
        "en": "Province {province} is not in the national look-up.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """A national message, else the province web view's."""
    entry = MESSAGES.get(key)
    if entry is None:
        return i18n.text(key, lang, **values)
    return entry.get(lang, entry["en"]).format(**values)
