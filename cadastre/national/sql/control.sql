-- The national look-up's control database: which provinces it subscribes to, and when each
-- was last heard from (kept here, so a province that is offline still says since when).

CREATE SCHEMA IF NOT EXISTS national;
COMMENT ON SCHEMA national IS 'The provinces the national look-up subscribes to.';

CREATE TABLE IF NOT EXISTS national.province (
    code             text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name             text NOT NULL,
    srid             integer,
    database         text NOT NULL UNIQUE,
    subscription     text NOT NULL UNIQUE,
    publisher        text NOT NULL,
    added_at         timestamptz NOT NULL DEFAULT now(),
    last_contact_at  timestamptz
);
COMMENT ON TABLE national.province IS
    'A province register the national look-up subscribes to: its database here (same table '
    'names as the province publishes), its subscription, and the last moment its feed was '
    'seen streaming.';
COMMENT ON COLUMN national.province.publisher IS
    'The province''s connection, without its password (the subscription keeps that).';
COMMENT ON COLUMN national.province.last_contact_at IS
    'Last moment the subscription was seen streaming from the province (national.feeds).';

CREATE OR REPLACE FUNCTION national.feeds(p_stale_after interval)
RETURNS TABLE (code text, name text, database text, connected boolean,
               last_contact_at timestamptz, stale boolean, received_lsn pg_lsn)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog
AS $$
BEGIN
    -- A running apply worker that has received from the province is streaming: its data is
    -- as fresh as now. Remembered when the caller may write, so that a province going
    -- offline still shows since when its data is served.
    IF current_setting('transaction_read_only') = 'off' THEN
        UPDATE national.province AS p SET last_contact_at = now()
        FROM pg_catalog.pg_stat_subscription AS s
        WHERE s.subname = p.subscription AND s.relid IS NULL AND s.pid IS NOT NULL
          AND s.received_lsn IS NOT NULL;
    END IF;
    RETURN QUERY
    SELECT p.code, p.name, p.database, s.pid IS NOT NULL AND s.received_lsn IS NOT NULL,
           CASE WHEN s.pid IS NOT NULL AND s.received_lsn IS NOT NULL THEN now()
                ELSE p.last_contact_at END,
           NOT (s.pid IS NOT NULL AND s.received_lsn IS NOT NULL)
               OR p.last_contact_at IS NULL OR p.last_contact_at < now() - p_stale_after,
           s.received_lsn
    FROM national.province AS p
    LEFT JOIN pg_catalog.pg_stat_subscription AS s
           ON s.subname = p.subscription AND s.relid IS NULL
    ORDER BY p.code;
END;
$$;
COMMENT ON FUNCTION national.feeds(interval) IS
    'Each province: whether its subscription streams now, the last moment it did, and whether '
    'its data is stale (not streaming, or not seen for p_stale_after). Records the contact '
    'when the transaction may write.';

GRANT USAGE ON SCHEMA national TO cadastre_web;
GRANT SELECT (code, name, srid, database, added_at, last_contact_at) ON national.province
    TO cadastre_web;
GRANT EXECUTE ON FUNCTION national.feeds(interval) TO cadastre_web;
