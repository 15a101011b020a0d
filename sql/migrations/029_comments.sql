-- 029_comments: a COMMENT on every column the earlier migrations left without one, so that
-- `\d+` in psql and the layer properties in QGIS say what each column means
-- (tests/db/test_schema_comments.py keeps it so). Comments only: no data or structure changes.
-- The history tables (<table>_history) take their live table's column comments at the end.

-- Settings and reference lists
COMMENT ON COLUMN cadastre.register_setting.singleton IS 'Always true: the table has one row.';
COMMENT ON COLUMN cadastre.register_setting.province_code IS
    'National 2-digit code of the province this register serves.';
COMMENT ON COLUMN cadastre.register_setting.srid IS
    'SRID of the province''s VN-2000 TM-3 zone: every parcel geometry is stored in it.';
COMMENT ON COLUMN cadastre.register_setting.created_at IS
    'When the register was created (cadastre.init_register).';
COMMENT ON COLUMN cadastre.province_crs.province_name IS
    'Official name of the province (Vietnamese).';
COMMENT ON COLUMN cadastre.crs_area_of_use.srid IS 'EPSG code of the coordinate system.';
COMMENT ON COLUMN cadastre.crs_area_of_use.name IS 'Area of use as PROJ names it.';
COMMENT ON COLUMN cadastre.crs_area_of_use.west IS 'Western bound, longitude in degrees.';
COMMENT ON COLUMN cadastre.crs_area_of_use.south IS 'Southern bound, latitude in degrees.';
COMMENT ON COLUMN cadastre.crs_area_of_use.east IS 'Eastern bound, longitude in degrees.';
COMMENT ON COLUMN cadastre.crs_area_of_use.north IS 'Northern bound, latitude in degrees.';
COMMENT ON COLUMN cadastre.tolerance.name IS
    'Name the rules look the tolerance up by (overlap_area, partition_area, lock_cell…).';
COMMENT ON COLUMN cadastre.tolerance.value IS 'The tolerance, in unit (never negative).';
COMMENT ON COLUMN cadastre.tolerance.unit IS 'Unit of value (m, m²).';
COMMENT ON COLUMN cadastre.tolerance.description IS 'What the tolerance lets pass, in English.';
COMMENT ON COLUMN cadastre.dossier_kind.code IS
    'Stable code of the kind (sale, split, mortgage…), named by dossier.kind.';
COMMENT ON COLUMN cadastre.dossier_kind.name_vi IS 'Name in Vietnamese, as citizens read it.';
COMMENT ON COLUMN cadastre.dossier_kind.name_en IS 'Name in English.';
COMMENT ON COLUMN cadastre.land_use_form.code IS
    'Stable code of the form (allocated_levy, leased_annual…), named in parcel.land_uses[].form.';
COMMENT ON COLUMN cadastre.land_use_form.name_vi IS 'Name in Vietnamese, as in the law.';
COMMENT ON COLUMN cadastre.land_use_form.name_en IS 'Name in English.';
COMMENT ON COLUMN cadastre.rrr_kind.code IS
    'Stable code of the kind (land_use_right, mortgage, seizure…), named by rrr.kind.';
COMMENT ON COLUMN cadastre.rrr_kind.class IS 'right, restriction or responsibility (LADM).';
COMMENT ON COLUMN cadastre.rrr_kind.exclusive IS
    'At most one instance valid on a parcel at any legal date (copied to rrr.exclusive).';
COMMENT ON COLUMN cadastre.rrr_kind.name_vi IS 'Name in Vietnamese, as citizens read it.';
COMMENT ON COLUMN cadastre.rrr_kind.name_en IS 'Name in English.';
COMMENT ON COLUMN cadastre.land_use_code.name IS 'Name of the purpose in Vietnamese (TT 27/2018).';
COMMENT ON COLUMN cadastre.land_use_code.sort_order IS
    'Position in the statistics tables and legends (TT 27/2018 order); null for legacy codes.';
COMMENT ON COLUMN cadastre.land_use_code.valid IS
    'Dates the code may be assigned on; a parcel keeps a code that later went out of use.';
COMMENT ON COLUMN cadastre.map_sheet.id IS 'Surrogate key.';
COMMENT ON COLUMN cadastre.map_sheet.commune_code IS 'The commune the sheet belongs to.';

-- Dossiers and their documents
COMMENT ON COLUMN cadastre.dossier.id IS 'Surrogate key; every register row names the dossier that made it.';
COMMENT ON COLUMN cadastre.dossier.kind IS 'Kind of registration (dossier_kind.code).';
COMMENT ON COLUMN cadastre.dossier.commune_code IS
    'The commune the dossier belongs to; only officers of that commune work on it (null: '
    'opened by a role bound to no commune).';
COMMENT ON COLUMN cadastre.dossier.note IS 'Free note of the officer or approver.';
COMMENT ON COLUMN cadastre.dossier.created_at IS 'When the dossier row was recorded.';
COMMENT ON COLUMN cadastre.source_document.id IS 'Surrogate key.';
COMMENT ON COLUMN cadastre.source_document.dossier_id IS 'The dossier the document supports.';
COMMENT ON COLUMN cadastre.source_document.kind IS
    'decision, contract, judgment, survey, certificate, application or other.';
COMMENT ON COLUMN cadastre.source_document.reference IS
    'Number or reference written on the document.';
COMMENT ON COLUMN cadastre.source_document.issued_on IS 'Date the document was issued or signed.';
COMMENT ON COLUMN cadastre.source_document.issuer IS 'Authority, court, notary or surveyor that issued it.';
COMMENT ON COLUMN cadastre.source_document.description IS 'What the document says, briefly.';

-- Parcels
COMMENT ON COLUMN cadastre.parcel.id IS
    'Surrogate key, kept by every version of the parcel (a split or merge makes new ids).';
COMMENT ON COLUMN cadastre.parcel.address IS 'Street address or locality of the parcel, as registered.';
COMMENT ON COLUMN cadastre.parcel_lineage.parent_id IS 'The parcel the child was made from.';
COMMENT ON COLUMN cadastre.parcel_lineage.child_id IS 'The parcel made.';
COMMENT ON COLUMN cadastre.parcel_lineage.kind IS 'split, merge or resurvey.';
COMMENT ON COLUMN cadastre.parcel_lineage.dossier_id IS 'The dossier that made the child.';

-- Parties
COMMENT ON COLUMN cadastre.party.id IS 'Surrogate key, kept by every version of the party.';
COMMENT ON COLUMN cadastre.party.kind IS 'individual, household, couple, organisation or state.';
COMMENT ON COLUMN cadastre.party.name IS
    'Full name of a person, name of an organisation, or how a household or couple is called.';
COMMENT ON COLUMN cadastre.party.dossier_id IS 'The dossier that made this version.';
COMMENT ON COLUMN cadastre.party.sys_txid IS 'Transaction that wrote this version.';
COMMENT ON COLUMN cadastre.party_member.group_id IS 'The household or couple (a party).';
COMMENT ON COLUMN cadastre.party_member.member_id IS 'The member (an individual party).';
COMMENT ON COLUMN cadastre.party_member.role IS 'head, member or spouse.';
COMMENT ON COLUMN cadastre.party_personal.party_id IS 'The individual this personal data belongs to.';
COMMENT ON COLUMN cadastre.party_personal.birth_date IS 'Date of birth.';
COMMENT ON COLUMN cadastre.party_personal.gender IS 'male or female, as on the identity card.';
COMMENT ON COLUMN cadastre.party_personal.address IS 'Permanent residence address.';
COMMENT ON COLUMN cadastre.party_personal.dossier_id IS 'The dossier that made this version.';
COMMENT ON COLUMN cadastre.party_personal.sys_period IS 'When the register held this version.';
COMMENT ON COLUMN cadastre.party_personal.sys_txid IS 'Transaction that wrote this version.';
COMMENT ON COLUMN cadastre.personal_data_access.id IS 'Surrogate key, in order of access.';
COMMENT ON COLUMN cadastre.personal_data_access.party_id IS 'The party whose personal data was read.';
COMMENT ON COLUMN cadastre.personal_data_access.db_role IS 'The database role that read it.';
COMMENT ON COLUMN cadastre.personal_data_access.app_user IS
    'The person the client application named (setting cadastre.app_user), if any.';
COMMENT ON COLUMN cadastre.personal_data_access.accessed_at IS 'Wall-clock time of the read.';
COMMENT ON COLUMN cadastre.personal_data_access.purpose IS 'Why the reader needed it, as they gave it.';

-- Rights, restrictions, responsibilities and their holders
COMMENT ON COLUMN cadastre.rrr.id IS 'Surrogate key, kept by every version of the right.';
COMMENT ON COLUMN cadastre.rrr.kind IS 'Kind of right, restriction or responsibility (rrr_kind.code).';
COMMENT ON COLUMN cadastre.rrr.parcel_id IS 'The parcel it bears on.';
COMMENT ON COLUMN cadastre.rrr.note IS 'Free note (e.g. the court order of a seizure).';
COMMENT ON COLUMN cadastre.rrr.sys_period IS 'When the register held this version.';
COMMENT ON COLUMN cadastre.rrr.sys_txid IS 'Transaction that wrote this version.';
COMMENT ON COLUMN cadastre.rrr_share.rrr_id IS 'The right held.';
COMMENT ON COLUMN cadastre.rrr_share.party_id IS 'The holder.';
COMMENT ON COLUMN cadastre.rrr_share.numerator IS 'Numerator of the holder''s exact share.';
COMMENT ON COLUMN cadastre.rrr_share.denominator IS
    'Denominator of the holder''s exact share (share = numerator / denominator ≤ 1).';
COMMENT ON COLUMN cadastre.rrr_share.sys_period IS 'When the register held this version.';
COMMENT ON COLUMN cadastre.rrr_share.sys_txid IS 'Transaction that wrote this version.';

-- Certificates
COMMENT ON COLUMN cadastre.certificate.id IS 'Surrogate key, kept by every version of the certificate.';
COMMENT ON COLUMN cadastre.certificate.issued_on IS 'Date the certificate was issued.';
COMMENT ON COLUMN cadastre.certificate.cancelled_on IS
    'Date it was cancelled (replaced, or its parcel split or merged); null while in force.';
COMMENT ON COLUMN cadastre.certificate.replaced_by IS 'The certificate issued in its place, if any.';
COMMENT ON COLUMN cadastre.certificate.dossier_id IS 'The dossier that made this version.';
COMMENT ON COLUMN cadastre.certificate.sys_period IS 'When the register held this version.';
COMMENT ON COLUMN cadastre.certificate.sys_txid IS 'Transaction that wrote this version.';
COMMENT ON COLUMN cadastre.certificate_parcel.certificate_id IS 'The certificate.';
COMMENT ON COLUMN cadastre.certificate_parcel.parcel_id IS 'A parcel it covers.';
COMMENT ON COLUMN cadastre.certificate_holder.certificate_id IS 'The certificate.';
COMMENT ON COLUMN cadastre.certificate_holder.party_id IS 'A holder it names.';

-- Imports and bulk registration
COMMENT ON COLUMN cadastre.import_batch.id IS 'Surrogate key; staged_parcel rows name it.';
COMMENT ON COLUMN cadastre.import_batch.source IS 'Path of the file read (or what the rows came from).';
COMMENT ON COLUMN cadastre.import_batch.layer IS 'Layer read from the file, when it has several.';
COMMENT ON COLUMN cadastre.import_batch.source_crs IS 'CRS of the source, as read or as given (--crs).';
COMMENT ON COLUMN cadastre.import_batch.dossier_id IS 'The first-registration dossier the rows were registered under.';
COMMENT ON COLUMN cadastre.import_batch.options IS
    'Options of the run: {"repair", "encoding", "check_only"}.';
COMMENT ON COLUMN cadastre.import_batch.started_at IS 'When the batch was created.';
COMMENT ON COLUMN cadastre.import_batch.finished_at IS 'When registration finished; null while running or if it failed.';
COMMENT ON COLUMN cadastre.import_batch.summary IS
    'Counts of the outcome: {"total", "outcomes": {outcome: n}, "reasons": {reason: n}}.';
COMMENT ON COLUMN cadastre.staged_parcel.batch_id IS 'The import batch the feature belongs to.';
COMMENT ON COLUMN cadastre.staged_parcel.commune_code IS 'Commune code as mapped from the source.';
COMMENT ON COLUMN cadastre.staged_parcel.sheet_number IS 'Map sheet number as mapped from the source.';
COMMENT ON COLUMN cadastre.staged_parcel.parcel_number IS 'Parcel number as mapped from the source.';
COMMENT ON COLUMN cadastre.staged_parcel.legal_area IS 'Registered area in m² as read; null when the source has none.';
COMMENT ON COLUMN cadastre.staged_parcel.land_uses IS 'Land uses in the form of parcel.land_uses.';
COMMENT ON COLUMN cadastre.staged_parcel.address IS 'Address as read (decoded to Unicode).';
COMMENT ON COLUMN cadastre.staged_parcel.holders IS
    'Holders of the land-use right: [{"party_id", "share"}], share a fraction such as ''1/2''.';
COMMENT ON COLUMN cadastre.staged_parcel.holder_name IS
    'A holder known only by name: a party is made for it when holders is null.';
COMMENT ON COLUMN cadastre.staged_parcel.old_identifiers IS
    'Earlier identities, in the form of parcel.old_identifiers (e.g. a pre-2025 commune code).';
COMMENT ON COLUMN cadastre.bulk_session.txid IS 'The transaction running the bulk registration.';
COMMENT ON COLUMN cadastre.bulk_session.batch_id IS 'The batch it registers.';

-- Quality rules
COMMENT ON COLUMN cadastre.rule.code IS 'Stable code a refusal or issue carries (overlap, gap, shares_sum…).';
COMMENT ON COLUMN cadastre.rule.severity IS 'error (blocks the change) or warning (needs acknowledgement).';
COMMENT ON COLUMN cadastre.rule.name_vi IS 'Name in Vietnamese, as officers read it.';
COMMENT ON COLUMN cadastre.rule.name_en IS 'Name in English.';
COMMENT ON COLUMN cadastre.rule.enabled IS
    'Meant to switch a rule off; no check reads it yet, so every rule runs.';
COMMENT ON COLUMN cadastre.split_minimum.id IS 'Surrogate key.';
COMMENT ON COLUMN cadastre.split_minimum.admin_code IS
    'Province or commune the minimum applies to (a commune''s own wins over its province''s).';
COMMENT ON COLUMN cadastre.split_minimum.land_use_code IS 'Land-use purpose the minimum applies to.';
COMMENT ON COLUMN cadastre.split_minimum.min_area IS 'Minimum area of a split child, m².';
COMMENT ON COLUMN cadastre.split_minimum.min_frontage IS 'Minimum frontage (width on the street), m; null: none.';
COMMENT ON COLUMN cadastre.split_minimum.min_depth IS 'Minimum depth from the street, m; null: none.';
COMMENT ON COLUMN cadastre.split_minimum.valid IS 'Dates the minimum is in force (provinces revise them).';
COMMENT ON COLUMN cadastre.split_minimum.legal_basis IS 'The provincial decision that sets it.';

-- Audit trail and clock
COMMENT ON COLUMN cadastre.audit_transaction.id IS 'Surrogate key, in order of recording; audit_seal chains the rows by it.';
COMMENT ON COLUMN cadastre.audit_seal.seq IS 'Position in the hash chain (1, 2, …, no gap).';
COMMENT ON COLUMN cadastre.audit_seal.audit_id IS 'The audit_transaction row this link seals.';
COMMENT ON COLUMN cadastre.audit_seal.prev_hash IS 'row_hash of link seq - 1 (empty for the first link).';
COMMENT ON COLUMN cadastre.audit_seal.row_hash IS 'sha256 over prev_hash, seq and the audit row''s content.';
COMMENT ON COLUMN cadastre.audit_chain.singleton IS 'Always true: the table has one row.';
COMMENT ON COLUMN cadastre.audit_chain.started_after IS
    'Highest audit_transaction id recorded before the chain began (0 on a new register).';
COMMENT ON COLUMN cadastre.audit_chain.started_at IS 'When the chain began.';
COMMENT ON COLUMN cadastre.clock_override.txid IS 'The transaction whose clock the owner set.';
COMMENT ON COLUMN cadastre.clock_override.at IS 'The instant cadastre.clock() returns in it.';

-- Migration bookkeeping (created by the runner, cadastre/db/migrate.py)
COMMENT ON COLUMN public.schema_migration.name IS
    'Migration file name, or functions/* for the function files as a whole.';
COMMENT ON COLUMN public.schema_migration.checksum IS
    'sha256 of the file as applied; a changed applied migration is refused.';
COMMENT ON COLUMN public.schema_migration.applied_at IS 'When it was (last) applied.';

-- History tables hold closed versions with the same columns: the same meaning.
DO $$
DECLARE
    v_column record;
BEGIN
    FOR v_column IN
        SELECT h.attrelid::regclass AS history, h.attname,
               col_description(l.attrelid, l.attnum) AS description
        FROM pg_class AS hc
        JOIN pg_namespace AS n ON n.oid = hc.relnamespace AND n.nspname = 'cadastre'
        JOIN pg_class AS lc ON lc.relnamespace = hc.relnamespace
                           AND hc.relname = lc.relname || '_history'
        JOIN pg_attribute AS h ON h.attrelid = hc.oid AND h.attnum > 0 AND NOT h.attisdropped
        JOIN pg_attribute AS l ON l.attrelid = lc.oid AND l.attname = h.attname
        WHERE hc.relkind = 'r' AND col_description(h.attrelid, h.attnum) IS NULL
          AND col_description(l.attrelid, l.attnum) IS NOT NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN %s.%I IS %L',
                       v_column.history, v_column.attname, v_column.description);
    END LOOP;
END;
$$;
