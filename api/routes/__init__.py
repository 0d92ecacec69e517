"""Thin routes: validate the request, call a service in ``assistant.review``, return its answer."""
