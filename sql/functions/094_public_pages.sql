-- 094_public_pages: the published parcel pages (public_register.parcel_page) the look-up
-- reads, how `cadastre db publish` writes them, and the trigger functions that withdraw a page
-- when something it shows changes (attached in 100_triggers).
--
-- Functions, in the order they are defined:
--   public_register.page_in_force(public_register.parcel_page, bigint) → boolean
--   public_register.publish_pages(bigint[]) → integer
--   public_register.pages_to_publish() → SETOF bigint
--   public_register.withdraw_pages(bigint[]) → void
--   public_register.parcel_pages_changed() → trigger
--   public_register.lineage_pages_changed() → trigger
--   public_register.share_pages_changed() → trigger
--   public_register.party_pages_changed() → trigger
--   public_register.reference_pages_changed() → trigger

-- Published pages (public_register.parcel_page) ------------------------------------------------
-- Writers never compose a page: an edit of the parcel itself changes its sys_txid, which the
-- page no longer matches; any other change to what a page shows (rights, shares, holders'
-- names, certificates, dossiers, lineage, the commune's name) withdraws it here. The look-up
-- composes a document whose page is not in force; `cadastre db publish` publishes the pages
-- again, each only if no withdrawal came after the snapshot it was composed from (version).

CREATE OR REPLACE FUNCTION public_register.page_in_force(p_page public_register.parcel_page,
                                                         p_parcel_txid bigint)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    -- One expression, inlined where it is used: the look-up, pages_to_publish, the tests.
    SELECT p_page.document IS NOT NULL AND p_page.parcel_txid = p_parcel_txid
           AND (p_page.fresh_until IS NULL OR p_page.fresh_until > current_date)
$$;
COMMENT ON FUNCTION public_register.page_in_force(public_register.parcel_page, bigint) IS
    'Whether a published page may be served for the parcel version p_parcel_txid: not '
    'withdrawn, composed from that version, and no right or restriction on it has ended since.';

CREATE OR REPLACE FUNCTION public_register.publish_pages(p_ids bigint[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_count integer;
BEGIN
    IF txid_current_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'Pages are published in a transaction of their own, after the changes '
                        'they show have committed' USING ERRCODE = 'invalid_transaction_state';
    END IF;
    -- Each document composed once (OFFSET 0), with the parcel version and the page version
    -- of the same snapshot; written only where the page's version is still the one seen (a
    -- withdrawal since, committed or not, wins: the update waits for it, then skips).
    INSERT INTO public_register.parcel_page AS g
        (parcel_id, document, parcel_txid, fresh_until, version)
    SELECT c.id, c.document, c.sys_txid, c.fresh_until, c.seen
    FROM (SELECT p.id, p.sys_txid, public_register.compose_document(p.id) AS document,
                 public_register.document_fresh_until(p.id) AS fresh_until,
                 coalesce(o.version, 0) AS seen
          FROM cadastre.parcel AS p
          LEFT JOIN public_register.parcel_page AS o ON o.parcel_id = p.id
          WHERE p.id IN (SELECT unnest(p_ids))
          OFFSET 0) AS c
    WHERE c.document IS NOT NULL
    ON CONFLICT (parcel_id) DO UPDATE
        SET document = excluded.document, parcel_txid = excluded.parcel_txid,
            fresh_until = excluded.fresh_until
        WHERE g.version = excluded.version;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION public_register.publish_pages(bigint[]) IS
    'Compose and publish the pages of these parcels (ids that are not parcels are skipped, '
    'pages withdrawn meanwhile are left to the next run); returns how many were written.';

CREATE OR REPLACE FUNCTION public_register.pages_to_publish()
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT p.id FROM cadastre.parcel AS p
    LEFT JOIN public_register.parcel_page AS g ON g.parcel_id = p.id
    WHERE g.parcel_id IS NULL OR NOT public_register.page_in_force(g, p.sys_txid)
    ORDER BY p.id
$$;
COMMENT ON FUNCTION public_register.pages_to_publish() IS
    'Parcels whose page is missing, withdrawn, composed from an older version of the parcel, '
    'or stale because a right or restriction has ended: what `cadastre db publish` publishes.';

CREATE OR REPLACE FUNCTION public_register.withdraw_pages(p_ids bigint[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- A bulk registration (cadastre.register_staged) only adds parcels: they have no pages.
    IF coalesce(cardinality(p_ids), 0) = 0 OR cadastre.in_bulk_session() THEN
        RETURN;
    END IF;
    INSERT INTO public_register.parcel_page AS g (parcel_id, version)
    SELECT DISTINCT i, 1 FROM unnest(p_ids) AS i WHERE i IS NOT NULL
    ON CONFLICT (parcel_id) DO UPDATE SET document = NULL, version = g.version + 1;
END;
$$;
COMMENT ON FUNCTION public_register.withdraw_pages(bigint[]) IS
    'Withdraw the pages of parcels whose public document this transaction changed (their '
    'look-ups compose it until the next `cadastre db publish`).';

CREATE OR REPLACE FUNCTION public_register.parcel_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- The pages of the parcels it was made from and became name it with its status.
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT l.parent_id FROM cadastre.parcel_lineage AS l WHERE l.child_id = NEW.id
        UNION ALL SELECT l.child_id FROM cadastre.parcel_lineage AS l WHERE l.parent_id = NEW.id));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.parcel_pages_changed() IS
    'Row trigger on cadastre.parcel updates of identity or status: withdraw its lineage''s '
    'pages (its own is out of date by its version).';

CREATE OR REPLACE FUNCTION public_register.lineage_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT parent_id FROM new_rows UNION SELECT child_id FROM new_rows));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.lineage_pages_changed() IS
    'Statement trigger on cadastre.parcel_lineage inserts: both parcels'' pages.';

CREATE OR REPLACE FUNCTION public_register.share_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM old_rows)));
    ELSE
        PERFORM public_register.withdraw_pages(ARRAY(
            SELECT r.parcel_id FROM cadastre.rrr AS r
            WHERE r.id IN (SELECT rrr_id FROM new_rows UNION SELECT rrr_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.share_pages_changed() IS
    'Statement trigger on cadastre.rrr_share: the pages of the parcels whose holders changed.';

CREATE OR REPLACE FUNCTION public_register.party_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM public_register.withdraw_pages(ARRAY(
        SELECT DISTINCT r.parcel_id
        FROM cadastre.rrr_share AS s JOIN cadastre.rrr AS r ON r.id = s.rrr_id
        WHERE s.party_id IN (SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
                             WHERE n.name IS DISTINCT FROM o.name
                                OR n.kind IS DISTINCT FROM o.kind)));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.party_pages_changed() IS
    'Statement trigger on cadastre.party updates: a holder''s (masked) name or kind is on the '
    'pages of their parcels.';

CREATE OR REPLACE FUNCTION public_register.reference_pages_changed()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    -- The name of a land use, land-use form, dossier or right kind may be on any page. Every
    -- parcel is marked, with a page or not: a publisher composing one from before the change
    -- then finds the mark and does not write the old name.
    PERFORM public_register.withdraw_pages(ARRAY(SELECT id FROM cadastre.parcel));
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION public_register.reference_pages_changed() IS
    'Statement trigger on reference tables whose names the documents show: withdraw every page.';

-- Who may publish --------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION public_register.publish_pages(bigint[]),
    public_register.pages_to_publish(), public_register.withdraw_pages(bigint[])
    FROM PUBLIC;
