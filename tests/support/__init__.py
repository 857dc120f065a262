"""Helpers shared by the test modules: SMTP server, database reset, factories."""
