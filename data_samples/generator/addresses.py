"""Street names and house numbers: every lot gets a Vietnamese address on the street it faces."""

from __future__ import annotations

import unicodedata

import numpy as np

from .grid import StreetGrid

STREET_NAMES = list(
    dict.fromkeys(
        unicodedata.normalize("NFC", n)
        for n in [
            "Hàng Bạc",
            "Hàng Đào",
            "Hàng Ngang",
            "Hàng Buồm",
            "Hàng Gai",
            "Hàng Bông",
            "Hàng Trống",
            "Hàng Khay",
            "Hàng Bài",
            "Hàng Chiếu",
            "Hàng Mã",
            "Hàng Lược",
            "Hàng Cót",
            "Hàng Gà",
            "Hàng Điếu",
            "Hàng Thùng",
            "Hàng Tre",
            "Hàng Vôi",
            "Hàng Bè",
            "Hàng Dầu",
            "Hàng Chĩnh",
            "Hàng Hòm",
            "Hàng Quạt",
            "Hàng Thiếc",
            "Hàng Nón",
            "Hàng Vải",
            "Hàng Cân",
            "Hàng Đường",
            "Hàng Bồ",
            "Hàng Da",
            "Hàng Phèn",
            "Hàng Rươi",
            "Hàng Khoai",
            "Hàng Đồng",
            "Hàng Hành",
            "Hàng Mành",
            "Hàng Muối",
            "Hàng Giầy",
            "Hàng Cá",
            "Hàng Chai",
            "Hàng Bút",
            "Lương Văn Can",
            "Tràng Tiền",
            "Lý Thái Tổ",
            "Đinh Tiên Hoàng",
            "Bà Triệu",
            "Hai Bà Trưng",
            "Tràng Thi",
            "Lê Thái Tổ",
            "Phan Chu Trinh",
            "Ngô Quyền",
            "Quang Trung",
            "Lý Thường Kiệt",
            "Trần Hưng Đạo",
            "Đường Thành",
            "Phủ Doãn",
            "Nhà Chung",
            "Lò Sũ",
            "Mã Mây",
            "Cầu Gỗ",
            "Tạ Hiện",
            "Ô Quan Chưởng",
            "Nguyễn Hữu Huân",
            "Bảo Khánh",
            "Chả Cá",
            "Bát Đàn",
            "Thuốc Bắc",
            "Đồng Xuân",
            "Phùng Hưng",
            "Cửa Đông",
            "Cửa Nam",
            "Ấu Triệu",
            "Lý Quốc Sư",
            "Nhà Thờ",
            "Nhà Hỏa",
            "Gia Ngư",
            "Đinh Liệt",
            "Đào Duy Từ",
            "Lãn Ông",
            "Chợ Gạo",
            "Nguyễn Siêu",
            "Trần Nhật Duật",
            "Yên Thái",
            "Trần Quang Khải",
            "Lê Lai",
            "Lê Thạch",
            "Trần Phú",
            "Nguyễn Thái Học",
            "Điện Biên Phủ",
            "Lê Duẩn",
            "Lý Nam Đế",
            "Phan Đình Phùng",
            "Quán Sứ",
            "Hàm Long",
            "Lê Văn Hưu",
            "Ngô Thì Nhậm",
            "Tô Hiến Thành",
            "Thái Phiên",
            "Triệu Việt Vương",
            "Mai Hắc Đế",
            "Nguyễn Du",
            "Trần Quốc Toản",
            "Yết Kiêu",
            "Hồ Xuân Hương",
            "Lê Ngọc Hân",
            "Hàn Thuyên",
            "Phạm Ngũ Lão",
            "Lý Đạo Thành",
            "Tông Đản",
            "Ngô Văn Sở",
            "Trần Khánh Dư",
            "Hỏa Lò",
            "Thợ Nhuộm",
            "Nguyễn Khuyến",
            "Văn Miếu",
            "Quốc Tử Giám",
            "Tôn Đức Thắng",
            "Nguyễn Thượng Hiền",
            "Trần Xuân Soạn",
            "Phan Bội Châu",
            "Lý Tự Trọng",
            "Nguyễn Trãi",
        ]
    )
)


def street_names(grid: StreetGrid) -> list[str]:
    """Display name of every grid line: horizontal lines first, then vertical ones.

    Main streets are "phố <name>"; alleys are "ngõ <n> phố <name>" after the main street
    they branch from (the nearest main street to the south or west).
    """
    names: list[str] = [""] * (grid.rows + grid.columns)
    main_lines = [r for r in range(grid.rows - 1, -1, -1) if grid.main_row[r]]
    main_lines += [grid.rows + c for c in range(grid.columns) if grid.main_column[c]]
    for k, line in enumerate(main_lines):
        names[line] = f"phố {STREET_NAMES[k % len(STREET_NAMES)]}"
    for r in range(grid.rows):
        if not grid.main_row[r]:
            parent = _nearest_main_below(grid.main_row, r)
            names[r] = f"ngõ {_alley_number(r - parent)} {names[parent]}"
    for c in range(grid.columns):
        if not grid.main_column[c]:
            parent = _nearest_main_below(grid.main_column, c)
            line = grid.rows + c
            names[line] = f"ngõ {_alley_number(c - parent)} {names[grid.rows + parent]}"
    return names


def _nearest_main_below(main: np.ndarray, i: int) -> int:
    """Index of the nearest main line at or below i (there is always one: line 0)."""
    while not main[i]:
        i -= 1
    return i


def _alley_number(offset: int) -> int:
    """Alley number from its place after the parent street: 12, 24, 36 …"""
    return 12 * offset


def house_numbers(street: np.ndarray, side: np.ndarray, position: np.ndarray) -> np.ndarray:
    """House numbers along each street: odd on the north side, even on the south side."""
    order = np.lexsort((position, side, street))
    group = street[order].astype(np.int64) * 2 + side[order]
    starts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
    numbers = np.empty(order.size, dtype=np.int64)
    numbers[order] = 2 * rank + 1 + side[order]
    return numbers


def capitalised(text: str) -> str:
    """Text with its first letter in upper case."""
    return text[:1].upper() + text[1:]
