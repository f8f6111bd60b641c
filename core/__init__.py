"""The Django project: settings, ASGI app, URLs, accounts, roles, policy, CLI."""
