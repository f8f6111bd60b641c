"""Channels consumers, routing, group names, the resume protocol, presence."""
