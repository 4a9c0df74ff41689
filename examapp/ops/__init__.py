"""Operations: the start-up self-check, backup and restore of results (issue 14, O-01 and O-03)."""
