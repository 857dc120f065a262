"""What every domain package builds on: database, extensions, forms, mail, formatting, errors."""
