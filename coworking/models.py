"""Shared workspaces (coworking): a directory with proximity search."""
