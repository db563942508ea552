"""Shared infrastructure every app may import: the floor of the house; it imports no app."""
