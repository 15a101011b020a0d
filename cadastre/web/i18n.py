"""Every text the web view shows, in Vietnamese (the default) and English."""

from __future__ import annotations

from cadastre.web.application_texts import APPLICATION_MESSAGES

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {"vi": "Tra cứu thông tin đất đai", "en": "Land register look-up"},
    "site_subtitle": {
        "vi": "Thông tin công khai về thửa đất: diện tích, mục đích sử dụng, tình trạng pháp lý",
        "en": "Public facts about a parcel: area, land use, legal status",
    },
    "skip_to_content": {"vi": "Bỏ qua đến nội dung chính", "en": "Skip to main content"},
    "switch_language": {"vi": "English", "en": "Tiếng Việt"},
    "switch_language_label": {"vi": "Switch to English", "en": "Chuyển sang tiếng Việt"},
    "home": {"vi": "Trang chủ", "en": "Home"},
    "api_docs": {"vi": "API (OpenAPI)", "en": "API (OpenAPI)"},
    "search_by_number": {"vi": "Tìm theo số thửa", "en": "Find by parcel number"},
    "search_by_certificate": {
        "vi": "Tìm theo số seri Giấy chứng nhận",
        "en": "Find by certificate serial",
    },
    "search_by_address": {"vi": "Tìm theo địa chỉ", "en": "Find by address"},
    "search_on_map": {"vi": "Chọn trên bản đồ", "en": "Pick on the map"},
    "map_hint": {
        "vi": "Phóng to để thấy các thửa đất, bấm vào một thửa để xem thông tin.",
        "en": "Zoom in to see parcels; click a parcel to see its facts.",
    },
    "commune": {"vi": "Xã, phường", "en": "Commune or ward"},
    "commune_help": {
        "vi": "Tên (có hoặc không dấu) hoặc mã 5 chữ số, ví dụ: Phường Mẫu 1, "
        "phuong mau 1, 91001",
        "en": "Name (with or without accents) or 5-digit code, e.g. Phường Mẫu 1, "
        "phuong mau 1, 91001",
    },
    "sheet": {"vi": "Số tờ bản đồ", "en": "Map sheet number"},
    "number": {"vi": "Số thửa", "en": "Parcel number"},
    "serial": {"vi": "Số seri", "en": "Serial"},
    "serial_help": {
        "vi": "Hai chữ cái và sáu chữ số, ví dụ BK000123",
        "en": "Two letters and six digits, e.g. BK000123",
    },
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "address_help": {"vi": "Ví dụ: 15 ngo 24 hang dao", "en": "For example: 15 ngo 24 hang dao"},
    "search": {"vi": "Tìm", "en": "Search"},
    "results": {"vi": "Kết quả tìm kiếm", "en": "Search results"},
    "no_results": {"vi": "Không tìm thấy thửa đất nào.", "en": "No parcel found."},
    "parcel": {"vi": "Thửa đất", "en": "Parcel"},
    "identity": {"vi": "Định danh", "en": "Identity"},
    "old_identifiers": {"vi": "Số hiệu cũ", "en": "Old identifiers"},
    "until": {"vi": "đến", "en": "until"},
    "location": {"vi": "Vị trí", "en": "Location"},
    "legal_area": {"vi": "Diện tích đăng ký", "en": "Registered area"},
    "land_uses": {"vi": "Mục đích sử dụng", "en": "Land-use purposes"},
    "land_use_code": {"vi": "Mã", "en": "Code"},
    "land_use_name": {"vi": "Mục đích", "en": "Purpose"},
    "area": {"vi": "Diện tích", "en": "Area"},
    "form": {"vi": "Hình thức sử dụng", "en": "Form of use"},
    "term": {"vi": "Thời hạn", "en": "Term"},
    "long_term": {"vi": "Lâu dài", "en": "Long-term"},
    "certificate": {"vi": "Giấy chứng nhận", "en": "Certificate"},
    "certificate_issued": {"vi": "Đã cấp Giấy chứng nhận ngày", "en": "Certificate issued on"},
    "certificate_none": {"vi": "Chưa cấp Giấy chứng nhận", "en": "No certificate issued"},
    "holders": {"vi": "Người sử dụng đất (đã che)", "en": "Land users (masked)"},
    "share": {"vi": "Phần", "en": "Share"},
    "status": {"vi": "Tình trạng", "en": "Status"},
    "timeline": {"vi": "Lịch sử biến động", "en": "History of changes"},
    "date": {"vi": "Ngày", "en": "Date"},
    "change": {"vi": "Biến động", "en": "Change"},
    "made_from": {"vi": "Hình thành từ thửa", "en": "Made from"},
    "replaced_by": {"vi": "Được thay thế bởi", "en": "Replaced by"},
    "restrictions": {"vi": "Hạn chế quyền", "en": "Restrictions"},
    "since": {"vi": "từ ngày", "en": "since"},
    "received_on": {"vi": "nhận hồ sơ ngày", "en": "received on"},
    "open_map": {"vi": "Xem trên bản đồ", "en": "Show on the map"},
    "map": {"vi": "Bản đồ", "en": "Map"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "view_parcel": {"vi": "Xem thửa đất", "en": "View parcel"},
    "json": {"vi": "Dữ liệu JSON", "en": "JSON data"},
    "privacy_note": {
        "vi": "Trang này không hiển thị số định danh, ngày sinh, địa chỉ cá nhân "
        "hay họ tên đầy đủ.",
        "en": "This page never shows ID numbers, birth dates, personal addresses or full names.",
    },
    "certificate_found": {"vi": "Giấy chứng nhận", "en": "Certificate"},
    "certificate_in_force": {"vi": "Còn hiệu lực", "en": "In force"},
    "certificate_cancelled": {"vi": "Đã hủy ngày", "en": "Cancelled on"},
    "covers": {"vi": "Các thửa đất", "en": "Parcels covered"},
    "error": {"vi": "Lỗi", "en": "Error"},
    "back_home": {"vi": "Về trang chủ", "en": "Back to the home page"},
    "not_found_parcel": {"vi": "Không có thửa đất {ref}.", "en": "There is no parcel {ref}."},
    "not_found_certificate": {
        "vi": "Không có Giấy chứng nhận số seri {serial}.",
        "en": "There is no certificate with serial {serial}.",
    },
    "not_found_commune": {
        "vi": "Không tìm thấy xã, phường “{commune}”.",
        "en": "No commune or ward matches “{commune}”.",
    },
    "ambiguous_commune": {
        "vi": "“{commune}” khớp với nhiều xã, phường: {names}. Hãy ghi rõ hơn hoặc dùng mã.",
        "en": "“{commune}” matches several communes: {names}. Be more specific or use the code.",
    },
    "not_found_page": {"vi": "Không có trang này.", "en": "There is no such page."},
    "bad_input": {"vi": "Dữ liệu nhập không hợp lệ", "en": "Invalid input"},
    "too_many_requests": {
        "vi": "Quá nhiều yêu cầu; vui lòng thử lại sau {seconds} giây.",
        "en": "Too many requests; please try again in {seconds} s.",
    },
    "server_busy": {
        "vi": "Hệ thống tạm thời không trả lời được; vui lòng thử lại sau.",
        "en": "The register cannot answer right now; please try again later.",
    },
    "tile_out_of_range": {
        "vi": "Ô bản đồ {z}/{x}/{y} không tồn tại (x, y từ 0 đến {max}).",
        "en": "Tile {z}/{x}/{y} does not exist (x and y run from 0 to {max}).",
    },
    "point_outside": {"vi": "Không có thửa đất tại điểm này.", "en": "No parcel at this point."},
    "analyst_login": {
        "vi": "Cần đăng nhập bằng tài khoản phân tích của sổ địa chính.",
        "en": "Log in with an analyst account of the register.",
    },
    "analyst_denied": {
        "vi": "Tài khoản {role} không có quyền xuất dữ liệu (cần vai trò phân tích).",
        "en": "Account {role} may not export (it needs the analyst role).",
    },
    "export_refused": {"vi": "Không xuất được: {reason}", "en": "Export refused: {reason}"},
    "control_characters": {
        "vi": "{field_vi}: có ký tự không hợp lệ (ký tự điều khiển như %00); hãy nhập lại.",
        "en": "{field_en}: holds an invalid character (a control character such as %00); "
        "please type it again.",
    },
    "method_not_allowed": {
        "vi": "Phương thức {method} không được hỗ trợ ở địa chỉ này (dùng {allowed}).",
        "en": "Method {method} is not allowed here (use {allowed}).",
    },
    "more_results": {
        "vi": "Còn nhiều kết quả khác — hãy ghi rõ hơn địa chỉ (số nhà, ngõ, tên phố).",
        "en": "More results — refine your search (house number, lane, street name).",
    },
    "map_title": {"vi": "Bản đồ địa chính", "en": "Cadastral map"},
    "zoom_in": {"vi": "Phóng to", "en": "Zoom in"},
    "zoom_out": {"vi": "Thu nhỏ", "en": "Zoom out"},
    "reset_bearing": {"vi": "Đặt lại hướng bắc", "en": "Reset bearing to north"},
    "close": {"vi": "Đóng", "en": "Close"},
    "toggle_attribution": {"vi": "Hiện/ẩn nguồn bản đồ", "en": "Toggle attribution"},
    "this_parcel": {"vi": "Thửa đất đang xem", "en": "This parcel"},
}

MESSAGES.update(APPLICATION_MESSAGES)  # the online services' texts

# Field names of request parameters as people read them.
FIELDS: dict[str, dict[str, str]] = {
    "commune": MESSAGES["commune"],
    "sheet": MESSAGES["sheet"],
    "number": MESSAGES["number"],
    "serial": MESSAGES["serial"],
    "q": MESSAGES["address"],
    "lon": {"vi": "Kinh độ", "en": "Longitude"},
    "lat": {"vi": "Vĩ độ", "en": "Latitude"},
    "z": {"vi": "Mức phóng", "en": "Zoom"},
    "x": {"vi": "Cột ô bản đồ", "en": "Tile column"},
    "y": {"vi": "Hàng ô bản đồ", "en": "Tile row"},
    "limit": {"vi": "Số kết quả", "en": "Result count"},
    "lang": {"vi": "Ngôn ngữ", "en": "Language"},
    # The analysts' export (/api/analyst/parcels.{fmt})
    "fmt": {"vi": "Định dạng", "en": "Format"},
    "land_use": {"vi": "Mã mục đích sử dụng", "en": "Land-use code"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "as_of": {"vi": "Ngày", "en": "As-of date"},
    "crs": {"vi": "Hệ tọa độ", "en": "Coordinate system"},
    "with_holders": {"vi": "Kèm người sử dụng", "en": "With holders"},
    "with_rights": {"vi": "Kèm quyền", "en": "With rights"},
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "registered": {"vi": "Đã đăng ký", "en": "Registered"},
    "dossier_in_progress": {"vi": "Đang giải quyết hồ sơ", "en": "Dossier in progress"},
    "acquisition": {"vi": "Đang thu hồi đất", "en": "Acquisition in progress"},
    "mortgaged": {"vi": "Đang thế chấp", "en": "Mortgaged"},
    "seized": {"vi": "Bị kê biên, phong tỏa", "en": "Seized"},
    "disputed": {"vi": "Đang tranh chấp", "en": "Disputed"},
    "planning": {"vi": "Trong quy hoạch, kế hoạch thu hồi", "en": "Planning reservation"},
    "corridor": {"vi": "Trong hành lang bảo vệ công trình", "en": "Protection corridor"},
    "retired": {"vi": "Đã chấm dứt (không còn hiệu lực)", "en": "Retired (no longer exists)"},
}

HOLDER_KINDS: dict[str, dict[str, str]] = {
    "individual": {"vi": "Cá nhân", "en": "Individual"},
    "household": {"vi": "Hộ gia đình", "en": "Household"},
    "couple": {"vi": "Vợ chồng", "en": "Married couple"},
    "organisation": {"vi": "Tổ chức", "en": "Organisation"},
    "state": {"vi": "Nhà nước", "en": "The State"},
}


# English names of the land-use purposes (Thông tư 27/2018/TT-BTNMT); the Vietnamese names
# come from the register (public_register.land_use_code).
LAND_USE_EN: dict[str, str] = {
    "SXN": "Agricultural production land", "CHN": "Annual crop land",
    "LUA": "Rice land", "LUC": "Specialised wet-rice land", "LUK": "Other wet-rice land",
    "LUN": "Upland rice land", "HNK": "Other annual crop land",
    "BHK": "Flat land for other annual crops", "NHK": "Upland fields for other annual crops",
    "CLN": "Perennial crop land", "LNP": "Forestry land", "RSX": "Production forest land",
    "RPH": "Protection forest land", "RDD": "Special-use forest land",
    "NTS": "Aquaculture land", "LMU": "Salt-making land", "NKH": "Other agricultural land",
    "OCT": "Residential land", "ONT": "Rural residential land",
    "ODT": "Urban residential land", "CDG": "Special-use land",
    "TSC": "Land for government offices", "CQP": "Defence land", "CAN": "Security land",
    "DSN": "Land for public service works", "DTS": "Land for public service organisations",
    "DVH": "Land for cultural facilities", "DXH": "Land for social services",
    "DYT": "Land for health facilities", "DGD": "Land for education and training",
    "DTT": "Land for sports facilities", "DKH": "Land for science and technology",
    "DNG": "Land for diplomatic facilities", "DSK": "Land for other public service works",
    "CSK": "Non-agricultural business land", "SKK": "Industrial zone land",
    "SKN": "Industrial cluster land", "SKT": "Export processing zone land",
    "TMD": "Commercial and service land", "SKC": "Non-agricultural production land",
    "SKS": "Mining land", "SKX": "Land for building materials and pottery",
    "CCC": "Land for public purposes", "DGT": "Transport land", "DTL": "Irrigation land",
    "DDT": "Historical and cultural relic land", "DDL": "Scenic landscape land",
    "DSH": "Community activity land", "DKV": "Public recreation land",
    "DNL": "Energy works land", "DBV": "Post and telecommunications land",
    "DCH": "Market land", "DRA": "Waste disposal and treatment land",
    "DCK": "Other public works land", "TON": "Religious land", "TIN": "Belief (shrine) land",
    "NTD": "Cemetery and funeral land", "SON": "Rivers, canals and streams",
    "MNC": "Special-use water surface", "PNK": "Other non-agricultural land",
    "BCS": "Unused flat land", "DCS": "Unused hilly land",
    "NCS": "Rocky mountains without forest", "MVB": "Coastal water surface",
    "MVT": "Coastal water surface for aquaculture",
    "MVR": "Coastal water surface with mangroves",
    "MVK": "Coastal water surface for other purposes",
}


def land_use_name(code: str, name_vi: str | None, lang: str) -> str:
    """A land-use purpose's name in the page's language (the register's Vietnamese name, or
    the English one; the code when neither is known)."""
    if lang == "en" and code in LAND_USE_EN:
        return LAND_USE_EN[code]
    return name_vi or code


def map_locale(lang: str) -> dict[str, str]:
    """MapLibre's `locale` option: its controls' labels in the page's language."""
    return {
        "Map.Title": text("map_title", lang),
        "NavigationControl.ZoomIn": text("zoom_in", lang),
        "NavigationControl.ZoomOut": text("zoom_out", lang),
        "NavigationControl.ResetBearing": text("reset_bearing", lang),
        "Popup.Close": text("close", lang),
        "AttributionControl.ToggleAttribution": text("toggle_attribution", lang),
    }


def language(value: str | None) -> str:
    """A supported language code: the given one, else Vietnamese."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: str, **values: object) -> str:
    """The message `key` in `lang` (English fallback), with {placeholders} filled."""
    entry = MESSAGES[key]
    return entry.get(lang, entry["en"]).format(**values)


def both(key: str, **values: object) -> str:
    """The message in Vietnamese, then English: for API errors read by anyone."""
    return f"{text(key, 'vi', **values)} / {text(key, 'en', **values)}"


def label(table: dict[str, dict[str, str]], code: str, lang: str) -> str:
    """A code's label from one of the tables above (the code itself when unknown)."""
    entry = table.get(code)
    return entry.get(lang, entry["en"]) if entry else code


# The cadastral information extract and its verification page (cadastre/web/routes/extracts.py).
MESSAGES.update({
    "extract_download": {"vi": "Tải trích lục thửa đất (PDF)",
                         "en": "Download the parcel extract (PDF)"},
    "extract_download_note": {
        "vi": "Trích lục bản đồ địa chính miễn phí, có mã xác minh và mã QR.",
        "en": "Free cadastral map extract, with a verification code and QR code."},
    "extract_title": {"vi": "Xác minh trích lục", "en": "Extract verification"},
    "extract_valid": {
        "vi": "Mã {code} là trích lục do sổ địa chính cấp lúc {issued_at} (UTC), "
              "phản ánh sổ địa chính ngày {register_date}.",
        "en": "Code {code} is an extract the land register issued at {issued_at} (UTC), "
              "reflecting the register of {register_date}."},
    "extract_changed": {
        "vi": "Thửa đất đã thay đổi sau khi cấp trích lục này: xem thông tin hiện hành.",
        "en": "The parcel has changed since this extract was issued: see its current facts."},
    "extract_certifies": {"vi": "Nội dung trích lục xác nhận", "en": "What the extract certifies"},
    "extract_scale": {"vi": "Tỷ lệ bản đồ", "en": "Map scale"},
    "extract_register_date": {"vi": "Ngày của sổ địa chính", "en": "Register date"},
    "extract_version": {"vi": "Phiên bản thửa", "en": "Parcel version"},
    "extract_vertices": {"vi": "Số đỉnh thửa", "en": "Vertices"},
    "extract_neighbours": {"vi": "Thửa liền kề", "en": "Adjacent parcels"},
    "extract_hash": {"vi": "Mã băm nội dung (SHA-256)", "en": "Content hash (SHA-256)"},
    "extract_original": {"vi": "Tải lại bản gốc (PDF)", "en": "Download the original (PDF)"},
    "extract_check_title": {"vi": "Kiểm tra một bản sao", "en": "Check a copy"},
    "extract_check_help": {
        "vi": "Dán mã SHA-256 của tệp PDF (lệnh sha256sum) hoặc mã băm nội dung in trên "
              "trích lục; hoặc chọn tệp PDF để kiểm tra.",
        "en": "Paste the PDF file's SHA-256 (sha256sum) or the content hash printed on the "
              "extract; or choose the PDF file to check."},
    "extract_sha256": {"vi": "Mã SHA-256", "en": "SHA-256"},
    "extract_file": {"vi": "Tệp PDF", "en": "PDF file"},
    "extract_check": {"vi": "Kiểm tra", "en": "Check"},
    "extract_verdict_file": {
        "vi": "Khớp: tệp này đúng là trích lục {code} đã cấp.",
        "en": "Match: this file is the extract {code} as issued."},
    "extract_verdict_content": {
        "vi": "Khớp: mã băm này đúng là mã băm nội dung của trích lục {code}.",
        "en": "Match: this is the content hash of extract {code}."},
    "extract_verdict_differs": {
        "vi": "KHÔNG KHỚP: bản này không phải trích lục {code} đã cấp — có thể đã bị sửa đổi. "
              "Đừng tin vào nội dung của nó; đối chiếu với nội dung trên trang này.",
        "en": "NO MATCH: this copy is not the extract {code} as issued — it may have been "
              "altered. Do not rely on it; compare with the content on this page."},
    "extract_verdict_layout": {
        "vi": "Trích lục {code} được in bằng mẫu cũ: chỉ kiểm tra được bằng mã băm nội dung "
              "in trên đó.",
        "en": "Extract {code} was drawn by an earlier layout: only the content hash printed "
              "on it can be checked."},
    "not_found_extract": {
        "vi": "Không có trích lục nào mang mã {code}. Kiểm tra lại mã in trên trích lục.",
        "en": "No extract bears the code {code}. Check the code printed on the extract."},
    "extract_layout_gone": {
        "vi": "Trích lục {code} được in bằng mẫu cũ nên không in lại được; nội dung của nó "
              "vẫn được xác minh trên trang này.",
        "en": "Extract {code} was drawn by an earlier layout and cannot be redrawn; its "
              "content is still verified on this page."},
    "extract_too_large": {
        "vi": "Tệp lớn hơn {limit} MB: không phải một trích lục.",
        "en": "The file is larger than {limit} MB: not an extract."},
    "extract_wrong_type": {
        "vi": "Gửi tệp PDF (Content-Type: application/pdf).",
        "en": "Send the PDF file (Content-Type: application/pdf)."},
    "extract_code": {"vi": "Mã xác minh", "en": "Verification code"},
    "extract_vertex_table": {"vi": "Tọa độ các đỉnh thửa và chiều dài cạnh",
                             "en": "Vertex coordinates and edge lengths"},
    "extract_north": {"vi": "hướng Bắc", "en": "north"},
    "extract_east": {"vi": "hướng Đông", "en": "east"},
    "extract_point": {"vi": "Điểm", "en": "Point"},
    "extract_edge": {"vi": "Cạnh", "en": "Edge"},
    "extract_length": {"vi": "Dài", "en": "Length"},
    "extract_lookup_help": {
        "vi": "Nhập mã xác minh in trên trích lục (ví dụ 1A2B-3C4D-5E6F-7A8B) để xem nội dung "
              "trích lục xác nhận và kiểm tra bản sao.",
        "en": "Type the verification code printed on the extract (e.g. 1A2B-3C4D-5E6F-7A8B) "
              "to see what it certifies and check a copy."},
    "extract_not_current": {
        "vi": "Thửa {ref} không còn hiệu lực: không cấp trích lục.",
        "en": "Parcel {ref} is no longer current: no extract is issued for it."},
})
FIELDS.update({
    "code": MESSAGES["extract_code"],
    "sha256": MESSAGES["extract_sha256"],
})
