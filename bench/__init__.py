"""`make bench`: the performance benchmark (quality-bars.md). See docs/performance.md."""
