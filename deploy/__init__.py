"""Deployment files (nginx, systemd) and the script that serves with them (deploy/scaleout.py)."""
