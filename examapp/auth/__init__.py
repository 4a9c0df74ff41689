"""Accounts: log-in, lock-out, password changes and API tokens."""
