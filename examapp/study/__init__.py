"""study domain."""
