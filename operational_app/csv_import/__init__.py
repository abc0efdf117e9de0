"""CSV bulk import (`seiton import DIR`, the app's import page): formats in `formats.py`,
the run in `importer.py`, the result in `report.py`. docs/csv-import.md is the reference."""

from operational_app.csv_import.importer import (
    import_dir,
    import_file,
    import_files,
    preview_dir,
    preview_file,
    preview_files,
)
from operational_app.csv_import.report import CsvError, FileReport, ImportReport, RowResult

__all__ = [
    "CsvError",
    "FileReport",
    "ImportReport",
    "RowResult",
    "import_dir",
    "import_file",
    "import_files",
    "preview_dir",
    "preview_file",
    "preview_files",
]
