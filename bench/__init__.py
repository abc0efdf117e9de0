"""`make bench`: the performance benchmark (docs/quality-targets.md). See docs/performance.md."""
