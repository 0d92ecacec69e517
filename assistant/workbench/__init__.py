"""The reviewer's workbench storage: cases, documents, suggestions, decisions and the audit trail.

Everything a reviewer decides lives here, append-only: decisions and audit events are never
updated or deleted, and the current state of a suggestion is derived from its decisions.
The web API (``api/``) is a thin layer over the services in this package.
"""
