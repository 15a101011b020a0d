"""cadastre: a shared land register for Vietnamese cities, with PostGIS as the authority."""

__version__ = "0.1.0"
