"""Citizens' online public services (level 3): the pieces of the web view that are not routes.

`settings` (limits and folders), `uploads` (documents streamed to disk, typed by content),
`csrf` (the forms' tokens), `refusals` (the register's rule codes in Vietnamese and English).
The rules themselves live in the database (sql/functions/087_applications.sql); docs:
docs/online-services.md.
"""
