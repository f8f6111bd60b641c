"""The audit: tamper evidence, history and time travel, over the event store.

- chain.py: recompute the hash chain (events/chain.py) over stored events and
  their links, and name each position where they disagree;
- signing.py: Ed25519-signed checkpoints of the chain's head, keys, rotation;
- bundle.py: the whole history as JSON Lines that verifies with no database;
- history.py: one aggregate's events with field-by-field changes, and its
  state as of a version or a moment, rebuilt from its events alone;
- service.py: the use cases over the application's store, for the CLI and the API.

docs/audit.md says what this proves and what it does not.
"""
