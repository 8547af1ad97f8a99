"""Persistence of the registry: SQL tables and queries; no business rules live here."""
