"""Site-wide pages and request hooks."""
