"""The organisation: units as a tree, people and their roster changes."""
