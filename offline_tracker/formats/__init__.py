"""File formats: CSV/JSON/HTML writers and importers. No database, no terminal."""
