-- 021_parcel_pages: the published parcel documents, so a citizen's look-up reads one row
-- instead of composing the document from a dozen tables on every request.
--   parcel_page   each parcel's public document as public_register.compose_document wrote it,
--                 with what it was composed from: the parcel's version (sys_txid), the day a
--                 right or restriction shown open on it ends, and a counter that writers of
--                 what the page shows (rights, certificates, dossiers, lineage…) raise when
--                 they withdraw it
-- A page is served only while all three still hold; otherwise the look-up composes the
-- document itself (the same function), so a missing or withdrawn page is slower, never wrong.
-- Writers never compose: `cadastre db publish` does, in transactions of its own.

CREATE TABLE public_register.parcel_page (
    parcel_id    bigint PRIMARY KEY,
    document     json,
    parcel_txid  bigint,
    fresh_until  date,
    version      integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE public_register.parcel_page IS
    'Published public documents of parcels (public_register.compose_document); the look-up '
    'serves one while public_register.page_in_force holds.';
COMMENT ON COLUMN public_register.parcel_page.parcel_id IS 'cadastre.parcel.id.';
COMMENT ON COLUMN public_register.parcel_page.document IS
    'The document as composed; NULL once a change withdrew it.';
COMMENT ON COLUMN public_register.parcel_page.parcel_txid IS
    'cadastre.parcel.sys_txid of the version it was composed from: an edit of the parcel '
    'itself makes the page out of date with no write here.';
COMMENT ON COLUMN public_register.parcel_page.fresh_until IS
    'The first day on which the document is wrong because a right or restriction shown open on '
    'it has ended (NULL: none ends).';
COMMENT ON COLUMN public_register.parcel_page.version IS
    'Raised by each withdrawal: a publisher writes its page only if no withdrawal came after '
    'the snapshot it composed from.';
