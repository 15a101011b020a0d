-- 010_land_use_hierarchy: where each land-use code sits in the national land-statistics tables.
-- The statistics and inventory forms of Circular 27/2018/TT-BTNMT (biểu 01/TKĐĐ …) total the
-- codes in a tree: agricultural land (NNP) → agricultural production land (SXN) → annual crops
-- (CHN) → rice (LUA) → LUC, LUK, LUN, and so on. The tree is data beside each code, so the
-- statistics (cadastre.land_statistics) and the export's land-use filter read one source.

ALTER TABLE cadastre.land_use_code
    ADD COLUMN parent_code text REFERENCES cadastre.land_use_code (code);
COMMENT ON COLUMN cadastre.land_use_code.parent_code IS
    'The heading this code is totalled under in the national land-statistics tables (TT 27/2018), '
    'e.g. LUC → LUA → CHN → SXN → NNP; null for the three groups and for codes outside the tree '
    '(imported or legacy codes).';

UPDATE cadastre.land_use_code AS c
SET parent_code = t.parent
FROM (VALUES
    -- Agricultural land
    ('SXN', 'NNP'), ('CHN', 'SXN'), ('LUA', 'CHN'), ('LUC', 'LUA'), ('LUK', 'LUA'),
    ('LUN', 'LUA'), ('HNK', 'CHN'), ('BHK', 'HNK'), ('NHK', 'HNK'), ('CLN', 'SXN'),
    ('LNP', 'NNP'), ('RSX', 'LNP'), ('RPH', 'LNP'), ('RDD', 'LNP'), ('NTS', 'NNP'),
    ('LMU', 'NNP'), ('NKH', 'NNP'),
    -- Non-agricultural land
    ('OCT', 'PNN'), ('ONT', 'OCT'), ('ODT', 'OCT'),
    ('CDG', 'PNN'), ('TSC', 'CDG'), ('CQP', 'CDG'), ('CAN', 'CDG'),
    ('DSN', 'CDG'), ('DTS', 'DSN'), ('DVH', 'DSN'), ('DXH', 'DSN'), ('DYT', 'DSN'),
    ('DGD', 'DSN'), ('DTT', 'DSN'), ('DKH', 'DSN'), ('DNG', 'DSN'), ('DSK', 'DSN'),
    ('CSK', 'CDG'), ('SKK', 'CSK'), ('SKN', 'CSK'), ('SKT', 'CSK'), ('TMD', 'CSK'),
    ('SKC', 'CSK'), ('SKS', 'CSK'), ('SKX', 'CSK'),
    ('CCC', 'CDG'), ('DGT', 'CCC'), ('DTL', 'CCC'), ('DDT', 'CCC'), ('DDL', 'CCC'),
    ('DSH', 'CCC'), ('DKV', 'CCC'), ('DNL', 'CCC'), ('DBV', 'CCC'), ('DCH', 'CCC'),
    ('DRA', 'CCC'), ('DCK', 'CCC'),
    ('TON', 'PNN'), ('TIN', 'PNN'), ('NTD', 'PNN'), ('SON', 'PNN'), ('MNC', 'PNN'),
    ('PNK', 'PNN'),
    -- Unused land; coastal water surface is observed apart in the tables but filed under CSD here
    ('BCS', 'CSD'), ('DCS', 'CSD'), ('NCS', 'CSD'), ('MVB', 'CSD'), ('MVT', 'MVB'),
    ('MVR', 'MVB'), ('MVK', 'MVB')
) AS t (code, parent)
WHERE c.code = t.code;
