"""The network's identity: its name and logo, set by an admin, shown on the portal and on the first page of
every compte rendu PDF. The logo is stored in the database (app servers keep no files)."""
