"""Errors meant for the person who clicked or typed (no discord import here)."""


class UserError(Exception):
    """A problem the user can fix or should know about; shown to them as it is."""
