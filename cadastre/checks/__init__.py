"""Quality checks: thin callers of the rule functions in sql/functions/080_checks.sql."""
