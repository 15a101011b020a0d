-- Shares of a right are exact fractions: parse_share reads "n/d" (or "1"), refuses anything
-- else with a message naming the share; lcm_of gives their common denominator.

DO $$
BEGIN
    ASSERT cadastre.parse_share('1') = ARRAY[1, 1], '"1" is the whole right';
    ASSERT cadastre.parse_share(' 1 / 3 ') = ARRAY[1, 3], 'spaces around and inside are allowed';
    ASSERT cadastre.parse_share('2/4') = ARRAY[2, 4], 'a fraction is kept as written, not reduced';
    ASSERT cadastre.parse_share('3/3') = ARRAY[3, 3], 'a share may be the whole (n = d)';
END
$$;

DO $$
DECLARE
    v_bad      text;
    v_message  text;
BEGIN
    FOREACH v_bad IN ARRAY ARRAY['0/3', '4/3', '1/0', 'abc', '0.5', '-1/2', '', '1/3/4'] LOOP
        BEGIN
            PERFORM cadastre.parse_share(v_bad);
            ASSERT false, format('share %L is refused', v_bad);
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
            ASSERT v_message LIKE format('Share %L is not a fraction%%', v_bad),
                format('the refusal of share %L names it (got: %s)', v_bad, v_message);
        END;
    END LOOP;
    BEGIN
        PERFORM cadastre.parse_share(NULL);
        ASSERT false, 'a missing share is refused';
    EXCEPTION WHEN invalid_parameter_value THEN
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
        ASSERT v_message LIKE '%(missing)%', 'the refusal of a missing share says it is missing';
    END;
END
$$;

DO $$
BEGIN
    ASSERT (SELECT cadastre.lcm_of(d) FROM unnest(ARRAY[2, 3, 4]::numeric[]) AS d) = 12,
        'the common denominator of halves, thirds and quarters is 12';
    ASSERT (SELECT cadastre.lcm_of(d) FROM unnest(ARRAY[3, 3]::numeric[]) AS d) = 3,
        'equal denominators stay as they are';
    ASSERT (SELECT cadastre.lcm_of(d) FROM unnest(ARRAY[]::numeric[]) AS d) = 1,
        'no share at all has denominator 1';
END
$$;
