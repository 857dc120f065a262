"""Passerelle: the collaboration portal of a departmental network of partners."""

from portal.app import create_app

__all__ = ["create_app"]
