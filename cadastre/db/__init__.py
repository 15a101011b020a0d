"""Database access: the project-managed server, connections and the migration runner."""
