"""Polity model layer."""
