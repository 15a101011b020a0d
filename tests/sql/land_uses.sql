-- A parcel's land uses: the checks every write goes through (land_use_issues) and the
-- apportionment a split or re-survey uses to carry them to a new area (rescale_land_uses).

DO $$
DECLARE
    v_case   record;
    v_rules  text[];
BEGIN
    FOR v_case IN SELECT * FROM (VALUES
            ('one purpose matching the area', '[{"code": "ODT", "area": 100.0}]', ARRAY[]::text[]),
            ('two purposes summing to the area',
             '[{"code": "ODT", "area": 60.0}, {"code": "CLN", "area": 40.0}]', ARRAY[]::text[]),
            ('a sum off by the 0.1 m² tolerance',
             '[{"code": "ODT", "area": 60.0}, {"code": "CLN", "area": 40.1}]', ARRAY[]::text[]),
            ('a sum off by more than the tolerance',
             '[{"code": "ODT", "area": 60.0}, {"code": "CLN", "area": 40.2}]',
             ARRAY['land_use_area_sum']),
            ('no purpose', '[]', ARRAY['land_use_missing']),
            ('not a list', '{"code": "ODT"}', ARRAY['land_use_missing']),
            ('an unknown code', '[{"code": "XYZ", "area": 100.0}]', ARRAY['land_use_unknown']),
            ('a group heading', '[{"code": "NNP", "area": 100.0}]', ARRAY['land_use_unknown']),
            ('an area as text', '[{"code": "ODT", "area": "100"}]',
             ARRAY['land_use_area', 'land_use_area_sum']),
            ('a zero area', '[{"code": "ODT", "area": 0}, {"code": "CLN", "area": 100.0}]',
             ARRAY['land_use_area']),
            ('a combined code with no split', '[{"code": "ODT"}, {"code": "CLN"}]',
             ARRAY[]::text[]),
            ('some areas given, some not', '[{"code": "ODT", "area": 60.0}, {"code": "CLN"}]',
             ARRAY['land_use_area']),
            ('an unknown form', '[{"code": "ODT", "area": 100.0, "form": "borrowed"}]',
             ARRAY['land_use_form_unknown']),
            ('a known form', '[{"code": "ODT", "area": 100.0, "form": "recognised"}]',
             ARRAY[]::text[])) AS c(name, land_uses, rules) LOOP
        SELECT coalesce(array_agg(i.rule ORDER BY i.rule), ARRAY[]::text[]) INTO v_rules
        FROM cadastre.land_use_issues(v_case.land_uses::jsonb, 100.0, 'probe') AS i;
        ASSERT v_rules = v_case.rules,
            format('%s on 100 m²: expected %s, got %s', v_case.name, v_case.rules, v_rules);
    END LOOP;
END
$$;

DO $$
DECLARE
    v_uses jsonb := '[{"code": "ODT", "area": 60.0, "form": "recognised"},
                      {"code": "CLN", "area": 40.0}]';
BEGIN
    ASSERT cadastre.rescale_land_uses(v_uses, 100, 50)
           = '[{"code": "ODT", "area": 30.0, "form": "recognised"}, {"code": "CLN", "area": 20.0}]',
        'halving the area halves each purpose and keeps its other fields';
    ASSERT cadastre.rescale_land_uses(v_uses, 100, 100) = v_uses,
        'the same area leaves the land uses as they are';
    ASSERT (SELECT sum((e ->> 'area')::numeric) FROM jsonb_array_elements(
                cadastre.rescale_land_uses('[{"code": "ODT", "area": 33.4}, {"code": "CLN", "area": 33.3},
                                             {"code": "LUC", "area": 33.3}]', 100, 10)) AS e) = 10,
        'thirds rescaled still sum exactly to the new area';
    ASSERT cadastre.rescale_land_uses('[{"code": "ODT", "area": 99.9}, {"code": "CLN", "area": 0.1}]',
                                      100, 1)
           = '[{"code": "ODT", "area": 0.9}, {"code": "CLN", "area": 0.1}]',
        'a tiny purpose keeps 0.1 m² (taken from the largest) instead of dropping to zero';
END
$$;
