"""The audit journal, read by admins: every audited action, newest first, with filters."""
