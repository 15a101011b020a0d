-- 028_parse_edits: an officer's edit set (the JSON of the QGIS plugin and the CLI) is decoded
-- once, by cadastre.parse_edits, into typed rows with an explicit kind; the shape and version
-- checks, cadastre.check_edit and cadastre.submit_edits read those rows instead of the JSON.
-- A new type rather than more attributes on cadastre.edit_item: edit_item is what the quality
-- rules read for any parcel (an edit, a commune's parcels, a staged file), built positionally
-- by its callers, and has no use for a merge's list or a loaded version.

CREATE TYPE cadastre.edit_kind AS ENUM ('correction', 'split_child', 'merge', 'new');
COMMENT ON TYPE cadastre.edit_kind IS
    'What one edit of a submission does: correction (of an existing parcel: "parcel_id"), '
    'split_child (one child of a split: "split_of"), merge (one parcel replacing several: '
    '"replaces"), new (first registration of land: none of those).';

CREATE TYPE cadastre.parsed_edit AS (
    n                 integer,
    kind              cadastre.edit_kind,
    parcel_id         bigint,
    version           integer,
    split_of          bigint,
    replaces          bigint[],
    replaced_versions integer[],
    geom              text,
    commune_code      text,
    sheet_number      text,
    parcel_number     integer,
    legal_area        numeric,
    land_use          text
);
COMMENT ON TYPE cadastre.parsed_edit IS
    'One edit of a submission as cadastre.parse_edits decodes it from the JSON (typed, with its '
    'kind); what check_edit, the shape and version checks and submit_edits read.';
COMMENT ON COLUMN cadastre.parsed_edit.n IS
    'Position of the edit in the JSON array, from 1: the "#n" of messages and of submit_edits''s '
    'answer.';
COMMENT ON COLUMN cadastre.parsed_edit.kind IS
    'What the edit does (cadastre.edit_kind), decided once from which keys it gives.';
COMMENT ON COLUMN cadastre.parsed_edit.parcel_id IS
    'The parcel a correction changes ("parcel_id"); null for the other kinds.';
COMMENT ON COLUMN cadastre.parsed_edit.version IS
    'The version the officer loaded of the parcel the edit changes: a correction''s "version", a '
    'split child''s parent''s entry in "versions"; null when not given.';
COMMENT ON COLUMN cadastre.parsed_edit.split_of IS
    'The parent a split child is cut from ("split_of"); null for the other kinds.';
COMMENT ON COLUMN cadastre.parsed_edit.replaces IS
    'The parcels a merge retires ("replaces", in the order given); null for the other kinds.';
COMMENT ON COLUMN cadastre.parsed_edit.replaced_versions IS
    'The version loaded of each parcel of replaces (its entry in "versions", same order; null '
    'where not given).';
COMMENT ON COLUMN cadastre.parsed_edit.geom IS
    'The edited geometry as sent (EWKT text): check_edit reports what cannot be read, '
    'submit_edits refuses it.';
COMMENT ON COLUMN cadastre.parsed_edit.commune_code IS
    'The commune given ("commune_code"); null when the edit keeps the parcel''s.';
COMMENT ON COLUMN cadastre.parsed_edit.sheet_number IS
    'The map sheet given ("sheet_number"); null when the edit keeps the parcel''s.';
COMMENT ON COLUMN cadastre.parsed_edit.parcel_number IS
    'The parcel number given ("parcel_number"); null when the register numbers it (or keeps '
    'the parcel''s).';
COMMENT ON COLUMN cadastre.parsed_edit.legal_area IS
    'The legal area given ("legal_area", m²); null when it is kept or measured.';
COMMENT ON COLUMN cadastre.parsed_edit.land_use IS
    'The land-use code given ("land_use"); null when the parcel''s (or parent''s) is kept.';

-- Replaced by forms over the parsed rows (sql/functions/085_submit.sql); absent on a new
-- database, whose function files run after its migrations.
DROP FUNCTION IF EXISTS cadastre.edit_versions(jsonb);
DROP FUNCTION IF EXISTS cadastre.edit_geom(jsonb, text);
DROP FUNCTION IF EXISTS cadastre.require_edit_shape(jsonb);
