"""Polity cli layer."""
