-- 026_import_refusals: what an import (and its dry run, `cadastre check FILE`) refuses, named
-- by one vocabulary, and where a register's province can lie at all.

-- Every quarantine reason of the import is a rule: the import report and the check output
-- name a feature's problem with the same code and severity.
INSERT INTO cadastre.rule (code, severity, name_vi, name_en) VALUES
    ('geometry_unreadable', 'error', 'Không đọc được hình học', 'Unreadable geometry'),
    ('identity_missing', 'error', 'Thiếu số hiệu thửa', 'Identity missing or malformed'),
    ('parcel_unnumbered', 'error', 'Thửa chưa có số thứ tự (số thửa 0)',
     'Unnumbered parcel (parcel number 0)'),
    ('identity_exists', 'error', 'Sổ địa chính đã có thửa khác cùng số hiệu',
     'The register already has a different parcel with this identity'),
    ('duplicate_feature_id', 'error', 'Mã đối tượng lặp trong tệp',
     'Feature id repeated in the file'),
    ('commune_unknown', 'error', 'Xã không có trong sổ địa chính',
     'Commune not in the register'),
    ('attribute_unparsable', 'error', 'Thuộc tính không đọc được', 'Unparsable attribute'),
    ('attribute_out_of_range', 'error', 'Thuộc tính ngoài phạm vi hợp lý',
     'Attribute out of range'),
    ('text_undecodable', 'error', 'Văn bản sai bảng mã', 'Text not decodable'),
    ('multipart', 'warning', 'Thửa gồm nhiều phần rời nhau',
     'Parcel made of several separate parts')
ON CONFLICT (code) DO NOTHING;

-- Where a CRS may be used, from PROJ's database (pyproj CRS.area_of_use, lon/lat WGS 84):
-- a register without its province's boundary refuses files that land outside its CRS's area.
CREATE TABLE cadastre.crs_area_of_use (
    srid   integer PRIMARY KEY,
    name   text NOT NULL,
    west   float8 NOT NULL,
    south  float8 NOT NULL,
    east   float8 NOT NULL,
    north  float8 NOT NULL
);
COMMENT ON TABLE cadastre.crs_area_of_use IS
    'Area of use of the coordinate systems a register may be kept in (PROJ''s database, '
    'degrees): with no province boundary loaded, imported and checked geometries must lie here.';

INSERT INTO cadastre.crs_area_of_use (srid, name, west, south, east, north) VALUES
    (4756, 'Vietnam - onshore', 102.14, 8.33, 109.53, 23.4),
    (5896, 'Vietnam - onshore west of 103°30''E', 102.14, 9.2, 103.51, 22.82),
    (5897, 'Vietnam - between 103°30''E and 106°30''E, onshore', 103.5, 8.33, 106.51, 23.4),
    (5898, 'Vietnam - onshore east of 106°30''E', 106.5, 8.57, 109.53, 22.95),
    (5899, 'Vietnam - Quang Ninh province; Da Nang municipality and Quang Nam province; '
           'Ba Ria-Vung Tau, Dong Nai and Lam Dong provinces', 106.43, 8.57, 108.76, 21.67),
    (9205, 'Vietnam - Dien Bien and Lai Chau provinces', 102.14, 20.89, 103.99, 22.82),
    (9206, 'Vietnam - Son La province', 103.21, 20.57, 105.03, 22.04),
    (9207, 'Vietnam - Ca Mau and Kien Giang provinces', 103.4, 8.33, 105.54, 10.55),
    (9208, 'Vietnam - An Giang, Lao Cai, Nghe An, Phu Tho and Yen Bai provinces',
     103.53, 10.18, 105.86, 22.85),
    (9209, 'Vietnam - Bac Ninh, Ha Giang, Ha Tinh, Hai Duong, Hung Yen, Nam Dinh, Soc Trang, '
           'Tay Ninh, Thai Binh, Tra Vinh and Vinh Long provinces', 104.33, 9.19, 106.69, 23.4),
    (9210, 'Vietnam - Hai Phong and Ho Chi Minh cities; Ben Tre, Binh Duong, Cao Bang, Long An '
           'and Tien Giang provinces', 105.26, 9.75, 107.8, 23.12),
    (9211, 'Vietnam - Hoa Binh, Quang Binh and Tuyen Quang provinces', 104.83, 16.92, 107.03, 22.7),
    (9212, 'Vietnam - Binh Phuoc and Quang Tri provinces', 106.41, 11.3, 107.43, 17.22),
    (9213, 'Vietnam - Bac Kan and Thai Nguyen provinces', 105.43, 21.32, 106.25, 22.75),
    (9214, 'Vietnam - Bac Giang and Thua Thien-Hue provinces', 105.88, 15.99, 108.24, 21.63),
    (9215, 'Vietnam - Lang Son province', 106.09, 21.32, 107.37, 22.47),
    (9216, 'Vietnam - Kon Tum province', 107.33, 13.92, 108.55, 15.42),
    (9217, 'Vietnam - Binh Dinh, Khanh Hoa and Ninh Thuan provinces', 108.55, 11.25, 109.53, 14.71),
    (9218, 'Vietnam - Binh Thuan, Dak Lak, Dak Nong, Gia Lai and Phu Yen provinces',
     107.2, 10.43, 109.52, 14.61),
    (2154, 'France - onshore and offshore, mainland and Corsica', -9.86, 41.15, 10.38, 51.56)
ON CONFLICT (srid) DO NOTHING;
GRANT SELECT ON cadastre.crs_area_of_use TO PUBLIC;

-- cadastre.check_staged is now the import's dry run (a repair flag, run as its owner).
DROP FUNCTION IF EXISTS cadastre.check_staged(bigint);
