-- 001_foundation: the extensions and schemas every later migration builds on.
-- postgis: geometry types and functions; btree_gist: exclusion constraints that mix
-- equality (parcel id) with ranges (validity periods).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS cadastre;
COMMENT ON SCHEMA cadastre IS
    'The land register: parcels, parties, rights, certificates, dossiers and their history.';
