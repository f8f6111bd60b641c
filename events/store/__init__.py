"""Persistence wiring: eventsourcing's recorders, extended with two ledgers.

- ledger.py: what both recorders add (the command log, the event chain) and
  offer to events/ and the audit (:class:`~events.store.ledger.EventLedger`);
- sqlite.py: the embedded default's recorder and its polling subscription;
- postgres.py: production's recorder, whose append is the PL/pgSQL of append.sql.

events/platform.py names the recorder to use (``APPLICATION_RECORDER_TOPIC``).
"""
