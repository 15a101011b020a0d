-- 003_reference_data: administrative units, map sheets and land-use purpose codes.
-- Units and codes carry validity periods: communes merge (2025 reform), the 2024 Land Law
-- revised the code list, and the register must still explain parcels recorded under old ones.
-- The land-use codes are seeded from Circular 27/2018/TT-BTNMT (70 codes with their standard
-- map colours), converted from the list in shared/data/vn_codes.

CREATE TABLE cadastre.admin_unit (
    code         text PRIMARY KEY CHECK (code ~ '^([0-9]{2}|[0-9]{5})$'),
    level        text NOT NULL CHECK (level IN ('province', 'commune')),
    name         text NOT NULL CHECK (name <> ''),
    parent_code  text REFERENCES cadastre.admin_unit (code),
    valid        daterange NOT NULL DEFAULT daterange('1900-01-01', NULL),
    replaced_by  text REFERENCES cadastre.admin_unit (code),
    boundary     geometry(MultiPolygon),
    CHECK ((level = 'province') = (parent_code IS NULL)),
    CHECK ((level = 'province') = (length(code) = 2))
);
COMMENT ON TABLE cadastre.admin_unit IS
    'Administrative units (province, commune/ward) with national codes and validity periods.';
COMMENT ON COLUMN cadastre.admin_unit.code IS 'National code: 2 digits (province), 5 (commune).';
COMMENT ON COLUMN cadastre.admin_unit.level IS 'province or commune (two-tier government since 2025-07-01).';
COMMENT ON COLUMN cadastre.admin_unit.name IS 'Official name in Vietnamese, e.g. Phường Hoàn Kiếm.';
COMMENT ON COLUMN cadastre.admin_unit.parent_code IS 'The province a commune belongs to.';
COMMENT ON COLUMN cadastre.admin_unit.valid IS 'Legal validity; a merged commune ends here.';
COMMENT ON COLUMN cadastre.admin_unit.replaced_by IS 'The unit that took over after a merger.';
COMMENT ON COLUMN cadastre.admin_unit.boundary IS 'Boundary in the register CRS (optional).';
CREATE INDEX admin_unit_boundary_idx ON cadastre.admin_unit USING gist (boundary);

CREATE TABLE cadastre.map_sheet (
    id            bigserial PRIMARY KEY,
    commune_code  text NOT NULL REFERENCES cadastre.admin_unit (code),
    number        text NOT NULL CHECK (number ~ '^[0-9A-Za-z.-]{1,16}$'),
    scale         integer NOT NULL CHECK (scale IN (200, 500, 1000, 2000, 5000, 10000)),
    footprint     geometry(Polygon),
    valid         daterange NOT NULL DEFAULT daterange('1900-01-01', NULL),
    EXCLUDE USING gist (commune_code WITH =, number WITH =, valid WITH &&)
);
COMMENT ON TABLE cadastre.map_sheet IS
    'Cadastral map sheets (tờ bản đồ): number, scale and footprint within a commune.';
COMMENT ON COLUMN cadastre.map_sheet.number IS 'Sheet number (số tờ), unique per commune at any date.';
COMMENT ON COLUMN cadastre.map_sheet.scale IS 'Scale denominator M (1:M); drives the area tolerance.';
COMMENT ON COLUMN cadastre.map_sheet.footprint IS 'Sheet frame in the register CRS.';
COMMENT ON COLUMN cadastre.map_sheet.valid IS 'Sheets are renumbered after re-surveys and mergers.';
CREATE INDEX map_sheet_footprint_idx ON cadastre.map_sheet USING gist (footprint);

CREATE TABLE cadastre.land_use_code (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{1,6}$'),
    name        text NOT NULL,
    group_code  text NOT NULL CHECK (group_code IN ('NNP', 'PNN', 'CSD')),
    is_group    boolean NOT NULL DEFAULT false,
    fill_color  text CHECK (fill_color ~ '^#[0-9A-Fa-f]{6}$'),
    sort_order  integer,
    source      text NOT NULL DEFAULT 'TT27/2018',
    valid       daterange NOT NULL DEFAULT daterange('2018-09-12', NULL)
);
COMMENT ON TABLE cadastre.land_use_code IS
    'Land-use purpose codes (mục đích sử dụng đất) with standard map colours and validity. '
    'Legacy or locally used codes are kept with source = ''legacy''.';
COMMENT ON COLUMN cadastre.land_use_code.group_code IS 'NNP agricultural, PNN non-agricultural, CSD unused.';
COMMENT ON COLUMN cadastre.land_use_code.is_group IS 'A heading of the statistics tables, not assignable.';
COMMENT ON COLUMN cadastre.land_use_code.fill_color IS 'Standard map fill colour.';
COMMENT ON COLUMN cadastre.land_use_code.source IS 'Where the code comes from (TT27/2018, legacy, import).';

INSERT INTO cadastre.land_use_code (code, name, group_code, is_group, fill_color, sort_order) VALUES
    ('NNP', 'Nhóm đất nông nghiệp', 'NNP', true, '#FFFF64', 1),
    ('SXN', 'Đất sản xuất nông nghiệp', 'NNP', false, '#FFFC6E', 2),
    ('CHN', 'Đất trồng cây hàng năm', 'NNP', false, '#FFFC78', 3),
    ('LUA', 'Đất trồng lúa', 'NNP', false, '#FFFC82', 4),
    ('LUC', 'Đất chuyên trồng lúa nước', 'NNP', false, '#FFFC8C', 5),
    ('LUK', 'Đất trồng lúa nước còn lại', 'NNP', false, '#FFFC96', 6),
    ('LUN', 'Đất trồng lúa nương', 'NNP', false, '#FFFCB4', 7),
    ('HNK', 'Đất trồng cây hàng năm khác', 'NNP', false, '#FFF0B4', 8),
    ('BHK', 'Đất bằng trồng cây hàng năm khác', 'NNP', false, '#FFF0B4', 9),
    ('NHK', 'Đất nương rẫy trồng cây hàng năm khác', 'NNP', false, '#FFF0B4', 10),
    ('CLN', 'Đất trồng cây lâu năm', 'NNP', false, '#FFD2A0', 11),
    ('LNP', 'Đất lâm nghiệp', 'NNP', false, '#AAFF32', 12),
    ('RSX', 'Đất rừng sản xuất', 'NNP', false, '#B4FFB4', 13),
    ('RPH', 'Đất rừng phòng hộ', 'NNP', false, '#BEFF1E', 14),
    ('RDD', 'Đất rừng đặc dụng', 'NNP', false, '#6EFF64', 15),
    ('NTS', 'Đất nuôi trồng thuỷ sản', 'NNP', false, '#AAFFFF', 16),
    ('LMU', 'Đất làm muối', 'NNP', false, '#000000', 17),
    ('NKH', 'Đất nông nghiệp khác', 'NNP', false, '#F5FFB4', 18),
    ('PNN', 'Nhóm đất phi nông nghiệp', 'PNN', true, '#FFFF64', 19),
    ('OCT', 'Đất ở', 'PNN', false, '#FFB4FF', 20),
    ('ONT', 'Đất ở tại nông thôn', 'PNN', false, '#FFD0FF', 21),
    ('ODT', 'Đất ở tại đô thị', 'PNN', false, '#FFA0FF', 22),
    ('CDG', 'Đất chuyên dùng', 'PNN', false, '#FFA0AA', 23),
    ('TSC', 'Đất xây dựng trụ sở cơ quan', 'PNN', false, '#FFAAA0', 24),
    ('CQP', 'Đất quốc phòng', 'PNN', false, '#FF6450', 25),
    ('CAN', 'Đất an ninh', 'PNN', false, '#FF5046', 26),
    ('DSN', 'Đất xây dựng công trình sự nghiệp', 'PNN', false, '#FFA0AA', 27),
    ('DTS', 'Đất xây dựng trụ sở của tổ chức sự nghiệp', 'PNN', false, '#FAAAA0', 28),
    ('DVH', 'Đất xây dựng cơ sở văn hóa', 'PNN', false, '#FFAAA0', 29),
    ('DXH', 'Đất xây dựng cơ sở dịch vụ xã hội', 'PNN', false, '#FFAAA0', 30),
    ('DYT', 'Đất xây dựng cơ sở y tế', 'PNN', false, '#FFAAA0', 31),
    ('DGD', 'Đất xây dựng cơ sở giáo dục và đào tạo', 'PNN', false, '#FFAAA0', 32),
    ('DTT', 'Đất xây dựng cơ sở thể dục thể thao', 'PNN', false, '#FFAAA0', 33),
    ('DKH', 'Đất xây dựng cơ sở khoa học và công nghệ', 'PNN', false, '#FFAAA0', 34),
    ('DNG', 'Đất xây dựng cơ sở ngoại giao', 'PNN', false, '#FFAAA0', 35),
    ('DSK', 'Đất xây dựng công trình sự nghiệp khác', 'PNN', false, '#FFAAA0', 36),
    ('CSK', 'Đất sản xuất, kinh doanh phi nông nghiệp', 'PNN', false, '#FFA0AA', 37),
    ('SKK', 'Đất khu công nghiệp', 'PNN', false, '#FAAAA0', 38),
    ('SKN', 'Đất cụm công nghiệp', 'PNN', false, '#FAAAA0', 39),
    ('SKT', 'Đất khu chế xuất', 'PNN', false, '#FAAAA0', 40),
    ('TMD', 'Đất thương mại, dịch vụ', 'PNN', false, '#FAAAA0', 41),
    ('SKC', 'Đất cơ sở sản xuất phi nông nghiệp', 'PNN', false, '#FAAAA0', 42),
    ('SKS', 'Đất sử dụng cho hoạt động khoáng sản', 'PNN', false, '#CDAACD', 43),
    ('SKX', 'Đất sản xuất vật liệu xây dựng, làm đồ gốm', 'PNN', false, '#CDAACD', 44),
    ('CCC', 'Đất sử dụng vào mục đích công cộng', 'PNN', false, '#FFAAA0', 45),
    ('DGT', 'Đất giao thông', 'PNN', false, '#FFAA32', 46),
    ('DTL', 'Đất thuỷ lợi', 'PNN', false, '#AAFFFF', 47),
    ('DDT', 'Đất có di tích lịch sử - văn hoá', 'PNN', false, '#FFAAA0', 48),
    ('DDL', 'Đất danh lam thắng cảnh', 'PNN', false, '#FFAAA0', 49),
    ('DSH', 'Đất sinh hoạt cộng đồng', 'PNN', false, '#FFAAA0', 50),
    ('DKV', 'Đất khu vui chơi, giải trí công cộng', 'PNN', false, '#FFAAA0', 51),
    ('DNL', 'Đất công trình năng lượng', 'PNN', false, '#FFAAA0', 52),
    ('DBV', 'Đất công trình bưu chính, viễn thông', 'PNN', false, '#FFAAA0', 53),
    ('DCH', 'Đất chợ', 'PNN', false, '#FFAAA0', 54),
    ('DRA', 'Đất bãi thải, xử lý chất thải', 'PNN', false, '#CDAACD', 55),
    ('DCK', 'Đất công trình công cộng khác', 'PNN', false, '#FFAAA0', 56),
    ('TON', 'Đất cơ sở tôn giáo', 'PNN', false, '#FAAAA0', 57),
    ('TIN', 'Đất cơ sở tín ngưỡng', 'PNN', false, '#FFAAA0', 58),
    ('NTD', 'Đất nghĩa trang, nghĩa địa, nhà tang lễ, nhà hỏa táng', 'PNN', false, '#D2D2D2', 59),
    ('SON', 'Đất sông, ngòi, kênh, rạch, suối', 'PNN', false, '#A0FFFF', 60),
    ('MNC', 'Đất có mặt nước chuyên dùng', 'PNN', false, '#A0FFFF', 61),
    ('PNK', 'Đất phi nông nghiệp khác', 'PNN', false, '#FFAAA0', 62),
    ('CSD', 'Nhóm đất chưa sử dụng', 'CSD', true, '#FFFFFE', 63),
    ('BCS', 'Đất bằng chưa sử dụng', 'CSD', false, '#FFFFFE', 64),
    ('DCS', 'Đất đồi núi chưa sử dụng', 'CSD', false, '#FFFFFE', 65),
    ('NCS', 'Núi đá không có rừng cây', 'CSD', false, '#E6E6C8', 66),
    ('MVB', 'Đất có mặt nước ven biển', 'CSD', false, '#B4FFFF', 67),
    ('MVT', 'Đất mặt nước ven biển nuôi trồng thuỷ sản', 'CSD', false, '#B4FFFF', 68),
    ('MVR', 'Đất mặt nước ven biển có rừng ngập mặn', 'CSD', false, '#B4FFFF', 69),
    ('MVK', 'Đất mặt nước ven biển có mục đích khác', 'CSD', false, '#B4FFFF', 70);
