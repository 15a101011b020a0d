-- The numbers the rules run on come from tables, not code: area tolerance from the map scale,
-- a rule's severity from cadastre.rule, every tolerance from cadastre.tolerance.

DO $$
BEGIN
    -- area_factor 0.0004 × scale 500 × √100 m² = 2 m²
    ASSERT cadastre.area_tolerance(500, 100) = 2,
        'the area tolerance is area_factor × scale × √area (1:500, 100 m² → 2 m²)';
    ASSERT cadastre.area_tolerance(1000, 100) = 2 * cadastre.area_tolerance(500, 100),
        'a map at twice the scale denominator allows twice the difference';
    ASSERT cadastre.area_tolerance(500, 400) = 2 * cadastre.area_tolerance(500, 100),
        'four times the area allows twice the difference (square root)';
    ASSERT cadastre.area_tolerance(NULL, 100) = cadastre.area_tolerance(500, 100),
        'a parcel on no known sheet is judged at the default scale (1:500)';
    ASSERT cadastre.area_tolerance(500, -5) = 0, 'a negative area has no tolerance (not an error)';
END
$$;

DO $$
BEGIN
    UPDATE cadastre.tolerance SET value = 0.0008 WHERE name = 'area_factor';
    ASSERT cadastre.area_tolerance(500, 100) = 4,
        'changing the area_factor row changes the tolerance: no constant in code';
    ASSERT cadastre.tolerance('overlap_area') = 0.01, 'a tolerance is read by its name';
    ASSERT cadastre.tolerance('no_such_tolerance') IS NULL, 'an unknown tolerance is NULL';
END
$$;

DO $$
BEGIN
    ASSERT cadastre.rule_severity('overlap') = 'error', 'an overlap is an error';
    ASSERT cadastre.rule_severity('sliver') = 'warning', 'a sliver is a warning';
    UPDATE cadastre.rule SET severity = 'error' WHERE code = 'sliver';
    ASSERT cadastre.rule_severity('sliver') = 'error', 'the severity is read from cadastre.rule';
    ASSERT cadastre.rule_severity('rule_nobody_wrote') = 'error',
        'a rule missing from the table is an error, never silently a warning';
END
$$;

DO $$
DECLARE
    v_issue cadastre.issue := cadastre.make_issue('overlap', 'error', '00070/1/5', 'vi', 'en',
                                                  'POINT(1 2)'::geometry, '00070/1/6');
BEGIN
    ASSERT v_issue.rule = 'overlap' AND v_issue.severity = 'error'
       AND v_issue.parcel_ref = '00070/1/5' AND v_issue.other_ref = '00070/1/6'
       AND v_issue.message_vi = 'vi' AND v_issue.message_en = 'en'
       AND ST_Equals(v_issue.location, 'POINT(1 2)'::geometry),
        'make_issue puts each argument in its field (other_ref is the last argument)';
    ASSERT (cadastre.rule_issue('crosses_sheet', 'r', 'vi', 'en', NULL)).severity = 'warning',
        'rule_issue takes the severity from the rule (crosses_sheet: a warning)';
    ASSERT cadastre.parcel_ref('00070', '1A', 5) = '00070/1A/5',
        'a parcel reference is commune/sheet/number';
END
$$;
