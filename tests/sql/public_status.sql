-- The public status of a parcel: which codes it shows, in which order of severity, and when a
-- right, restriction or dossier still counts as open. Run as the web role.
SET LOCAL ROLE cadastre_web;

DO $$
BEGIN
    ASSERT public_register.status_severity('registered') < public_register.status_severity('corridor')
       AND public_register.status_severity('corridor') < public_register.status_severity('dossier_in_progress')
       AND public_register.status_severity('dossier_in_progress') < public_register.status_severity('planning')
       AND public_register.status_severity('planning') < public_register.status_severity('acquisition')
       AND public_register.status_severity('acquisition') < public_register.status_severity('mortgaged')
       AND public_register.status_severity('mortgaged') < public_register.status_severity('disputed')
       AND public_register.status_severity('disputed') < public_register.status_severity('seized')
       AND public_register.status_severity('seized') < public_register.status_severity('retired'),
        'statuses rank from registered (least severe) to retired (most)';
    ASSERT public_register.status_severity('unheard_of') IS NULL,
        'an unknown status has no rank (it is not silently ranked as registered)';
END
$$;

DO $$
BEGIN
    ASSERT public_register.restriction_status('mortgage') = 'mortgaged', 'a mortgage shows as mortgaged';
    ASSERT public_register.restriction_status('seizure') = 'seized', 'a seizure shows as seized';
    ASSERT public_register.restriction_status('dispute') = 'disputed', 'a dispute shows as disputed';
    ASSERT public_register.restriction_status('planning_reservation') = 'planning',
        'a planning reservation shows as planning';
    ASSERT public_register.restriction_status('corridor') = 'corridor',
        'a protection corridor shows under its own kind';
    ASSERT public_register.dossier_status('acquisition') = 'acquisition',
        'an acquisition dossier shows as an acquisition in progress';
    ASSERT public_register.dossier_status('sale') = 'dossier_in_progress',
        'any other dossier shows as a dossier in progress';
END
$$;

DO $$
BEGIN
    ASSERT public_register.status_list('current', ARRAY['mortgaged', 'disputed'])
           = ARRAY['registered', 'mortgaged', 'disputed'],
        'a current parcel is registered, then its open statuses';
    ASSERT public_register.status_list('current', ARRAY[]::text[]) = ARRAY['registered'],
        'a current parcel with nothing open is only registered';
    ASSERT public_register.status_list('retired', ARRAY['mortgaged']) = ARRAY['retired'],
        'a retired parcel shows only retired, whatever was open';
END
$$;

DO $$
BEGIN
    ASSERT public_register.is_open(daterange('2020-01-01', NULL)),
        'a right with no end is open';
    ASSERT public_register.is_open(daterange('2020-01-01', current_date + 1)),
        'a right ending tomorrow is open today';
    ASSERT NOT public_register.is_open(daterange('2020-01-01', current_date)),
        'a right whose (exclusive) end is today is no longer open';
    ASSERT NOT public_register.is_open(daterange('2020-01-01', '2021-01-01')),
        'a right that ended in the past is not open';
END
$$;
