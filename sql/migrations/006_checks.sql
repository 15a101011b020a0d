-- 006_checks: the quality rules as data (code, severity, messages) and the effective-dated
-- minimum sizes for parcels created by a split. The rule functions themselves are in
-- sql/functions/080_checks.sql; the commit-time triggers call the same functions.

CREATE TABLE cadastre.rule (
    code         text PRIMARY KEY,
    severity     text NOT NULL CHECK (severity IN ('error', 'warning')),
    name_vi      text NOT NULL,
    name_en      text NOT NULL,
    enabled      boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE cadastre.rule IS
    'Quality rules: a stable code, its severity (error blocks a commit, warning needs '
    'acknowledgement) and its name in Vietnamese and English.';

INSERT INTO cadastre.rule (code, severity, name_vi, name_en) VALUES
    ('geometry_empty', 'error', 'Hình học rỗng', 'Empty geometry'),
    ('geometry_not_polygon', 'error', 'Không phải vùng', 'Not a polygon'),
    ('geometry_wrong_srid', 'error', 'Sai hệ tọa độ', 'Wrong coordinate system'),
    ('geometry_invalid', 'error', 'Hình học không hợp lệ', 'Invalid geometry'),
    ('geometry_out_of_range', 'error', 'Tọa độ ngoài phạm vi', 'Coordinates out of range'),
    ('overlap', 'error', 'Chồng lấn thửa bên cạnh', 'Overlap with a neighbouring parcel'),
    ('gap', 'error', 'Hở giữa các thửa', 'Gap left between parcels'),
    ('sliver', 'warning', 'Mảnh vụn', 'Sliver'),
    ('hole', 'error', 'Khoảng trống không thuộc thửa nào', 'Area covered by no parcel'),
    ('outside_commune', 'error', 'Nằm ngoài ranh giới xã', 'Outside or across the commune boundary'),
    ('crosses_sheet', 'warning', 'Phần lớn nằm ngoài tờ bản đồ', 'Mostly outside its map sheet'),
    ('area_tolerance', 'warning', 'Diện tích sai lệch quá hạn sai',
     'Area differs from the registered area beyond tolerance'),
    ('split_minimum', 'error', 'Thửa tách dưới diện tích, kích thước tối thiểu',
     'Split parcel below the minimum area, frontage or depth'),
    ('spike', 'warning', 'Gai nhọn', 'Spike'),
    ('duplicate_vertex', 'warning', 'Đỉnh trùng lặp', 'Duplicate consecutive vertices'),
    ('too_thin', 'warning', 'Thửa quá hẹp', 'Parcel too thin'),
    ('duplicate_identity', 'error', 'Trùng số hiệu thửa', 'Duplicate parcel identity'),
    ('missing_right', 'warning', 'Thửa chưa có quyền sử dụng', 'Parcel without a land-use right'),
    ('shares_sum', 'error', 'Tổng phần quyền khác 1', 'Shares do not sum to 1'),
    ('stale_edit', 'error', 'Thửa đã bị người khác sửa',
     'Parcel changed by someone else since it was loaded');

INSERT INTO cadastre.tolerance VALUES
    ('gap_area', 0.01, 'm²', 'A space between parcels smaller than this is not reported.'),
    ('sliver_width', 0.2, 'm',
     'A left-over polygon thinner than this (2·area/perimeter) is a sliver.'),
    ('spike_angle', 1, 'degree', 'A vertex whose interior angle is below this is a spike.'),
    ('thin_ratio', 0.05, 'ratio',
     'A parcel whose compactness (4π·area/perimeter²) is below this is too thin.'),
    ('area_factor', 0.0004, 'factor',
     'Area tolerance ΔP = factor · M · √P (TT 25/2014/TT-BTNMT): M the map scale, P the area.'),
    ('default_scale', 500, '1:M', 'Map scale used for the area tolerance when no sheet is known.');

CREATE TABLE cadastre.split_minimum (
    id              bigserial PRIMARY KEY,
    admin_code      text NOT NULL REFERENCES cadastre.admin_unit (code),
    land_use_code   text NOT NULL REFERENCES cadastre.land_use_code (code),
    min_area        numeric(10, 1) NOT NULL CHECK (min_area > 0),
    min_frontage    numeric(6, 2) CHECK (min_frontage > 0),
    min_depth       numeric(6, 2) CHECK (min_depth > 0),
    valid           daterange NOT NULL,
    legal_basis     text NOT NULL,
    EXCLUDE USING gist (admin_code WITH =, land_use_code WITH =, valid WITH &&)
);
COMMENT ON TABLE cadastre.split_minimum IS
    'Minimum area, frontage and depth of a parcel created by a split, per administrative unit '
    '(a province applies to all its communes unless a commune has its own) and land-use code, '
    'effective-dated: provinces revise these decisions.';
