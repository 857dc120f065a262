"""The landing page after login: what concerns the person, gathered from every module."""
