-- 000_meta: small helpers every other function file may use.

CREATE OR REPLACE FUNCTION cadastre.schema_version()
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(max(name), 'none')
    FROM public.schema_migration
    WHERE name <> 'functions/*'
$$;
COMMENT ON FUNCTION cadastre.schema_version() IS
    'The newest applied migration file name: what `cadastre db status` and clients compare.';
