"""Errors the layers raise to each other and to the person who clicked or typed (no discord import here)."""


class UserError(Exception):
    """A problem the user can fix or should know about; shown to them as it is."""


class AlreadyActive(Exception):
    """The learner already has a role-play under way."""


class StoreError(Exception):
    """The database cannot be used as it is (shown to the operator, not a traceback)."""


class StorageUnavailable(Exception):
    """A write could not be saved (disk full, read-only, locked): nothing was kept."""
