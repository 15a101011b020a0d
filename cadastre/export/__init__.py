"""Analysts' exports (Shapefile, GeoPackage, GeoJSON, FlatGeobuf, CSV) and land statistics.

`export_parcels` streams the register as it stood at a date, filtered, into a file written
through GDAL (pyogrio); `land_statistics` totals areas by land-use code and commune.
"""

from cadastre.export.request import ExportRequest
from cadastre.export.service import ExportResult, export_parcels

__all__ = ["ExportRequest", "ExportResult", "export_parcels"]
