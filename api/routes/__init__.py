"""Thin routes: validate the request, call a service in ``assistant.workbench``, return its answer."""
