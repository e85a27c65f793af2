"""Clients for outside services; they never import eventops."""
