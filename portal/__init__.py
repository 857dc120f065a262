"""Passerelle: the collaboration portal of a departmental network of partners."""

__all__ = ["create_app"]


def __getattr__(name: str):
    # Loaded on first use, so that a process needing one light module (the PDF render server imports
    # portal.pdf.renderer) does not load Flask and the whole application with it.
    if name == "create_app":
        from portal.app import create_app

        return create_app
    raise AttributeError(f"module 'portal' has no attribute {name!r}")
