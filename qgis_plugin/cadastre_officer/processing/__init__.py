"""Processing algorithms of the plugin: Check commune and Export parcels."""
