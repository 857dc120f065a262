"""Organisations, users, login, invitations and password reset."""
