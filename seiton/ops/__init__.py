"""Operations: `seiton backup`, `seiton restore` and `seiton doctor` (docs/reliability.md)."""
