"""Meter capture from fleet-management agents' exports (docs/meter-readings.md): the reader
that applies an import profile to a file, and the import that records its readings."""
