"""Errors the layers raise to each other and to the person who clicked or typed (no discord import here)."""


class UserError(Exception):
    """A problem the user can fix or should know about; shown to them as it is."""


class AlreadyActive(Exception):
    """The learner already has a role-play under way."""


class StoreError(Exception):
    """The database cannot be used as it is (shown to the operator, not a traceback)."""


class StoreUnreachable(StoreError):
    """The database cannot be opened at all: the file cannot be created or read, or the
    PostgreSQL server refuses the connection (a setting to fix, not a bug)."""


class StorageUnavailable(Exception):
    """A write could not be saved (disk full, read-only, locked): nothing was kept."""
