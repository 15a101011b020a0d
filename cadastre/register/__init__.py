"""The register: thin Python over the SQL operations and queries in sql/functions."""
