"""Git: the project folder as a working copy of the organisation's repository (see service.py)."""
