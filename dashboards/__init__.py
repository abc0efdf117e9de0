"""Dashboards: directors' stage health, finance, analysts — read from the published marts."""
