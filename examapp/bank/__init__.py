"""bank domain."""
