"""The one Python binding of the register's SQL operations.

Each SQL operation a Python caller uses (the CLI, the sample loader, the tests' helpers) has
exactly one function here, in a module named for what it acts on: dossiers, parties, parcels,
rights, certificates, edits, communes, imports, setup, clock. Every function takes an open
psycopg2 cursor and keyword-only arguments named as the SQL parameters without their `p_`, and
calls the operation in named notation (`p_dossier_id => %(dossier_id)s`), so a parameter added
with a default can never shift the others silently.

The binding adds no rule and no transaction: the caller owns the transaction (and the
register's clock, if it sets one), and a refusal arrives as the database's own psycopg2 error,
which the CLI turns into its message and hint (`cadastre.db.connection.user_error`).
"""
