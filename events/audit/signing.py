"""Signed checkpoints: the chain's head (position, digest, time) signed with Ed25519.

A checkpoint kept outside the platform's database is what makes the chain
proof complete: whoever can write to the database could rewrite events and
recompute every digest after them, but cannot make the recomputed digest at a
checkpoint's position equal the one that was signed, nor sign a new one
without the private key.

Keys are raw Ed25519 keys in base64: the private key (32 bytes) signs, in
``TAWASUL_AUDIT_SIGNING_KEY`` on the host that makes checkpoints; public keys
(32 bytes) verify, in ``TAWASUL_AUDIT_PUBLIC_KEYS`` (comma-separated) or
given to the command. A checkpoint names its key by ``key_id`` (the first
16 hex digits of the SHA-256 of the public key), so that after a rotation the
old public keys keep verifying the checkpoints they signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from events.audit.chain import ChainHead

CHECKPOINT_FORMAT = "tawasul-checkpoint/1"
SIGNING_KEY_VARIABLE = "TAWASUL_AUDIT_SIGNING_KEY"
PUBLIC_KEYS_VARIABLE = "TAWASUL_AUDIT_PUBLIC_KEYS"
# Signatures over a checkpoint cannot be mistaken for signatures over anything else.
_DOMAIN = b"tawasul-checkpoint/1\x00"


class InvalidKey(ValueError):
    """A key that is not a base64 raw Ed25519 key."""


class CheckpointError(ValueError):
    """A checkpoint that cannot be read (not JSON, a field missing or malformed)."""


def _b64decode(text: str, what: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKey(f"{what} is not base64") from None
    if len(raw) != length:
        raise InvalidKey(f"{what} must be {length} bytes in base64, not {len(raw)}")
    return raw


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def load_signing_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_b64decode(text, SIGNING_KEY_VARIABLE, 32))


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_b64decode(text, "the public key", 32))


@dataclass(frozen=True, slots=True)
class KeyPair:
    private: str
    public: str
    key_id: str


def generate_key_pair() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return KeyPair(
        private=base64.b64encode(raw).decode(),
        public=public_key_text(private.public_key()),
        key_id=key_id(private.public_key()),
    )


def trusted_keys(environ: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, Ed25519PublicKey]:
    """The public keys a checkpoint may be signed with, by key id: those given,
    those of TAWASUL_AUDIT_PUBLIC_KEYS, and the one of the signing key if set."""
    texts = [t for t in extra if t.strip()]
    texts += [t for t in environ.get(PUBLIC_KEYS_VARIABLE, "").split(",") if t.strip()]
    keys = [load_public_key(t) for t in texts]
    if environ.get(SIGNING_KEY_VARIABLE, "").strip():
        keys.append(load_signing_key(environ[SIGNING_KEY_VARIABLE]).public_key())
    return {key_id(k): k for k in keys}


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at a moment, signed."""

    organisation: str
    position: int
    digest: bytes
    recorded_at: str | None
    signed_at: str
    key_id: str
    public_key: str
    signature: bytes

    def signed_fields(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "organisation": self.organisation,
            "position": self.position,
            "digest": self.digest.hex(),
            "recorded_at": self.recorded_at,
            "signed_at": self.signed_at,
            "key_id": self.key_id,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            **self.signed_fields(),
            "public_key": self.public_key,
            "signature": base64.b64encode(self.signature).decode(),
        }


def _payload(fields: Mapping[str, Any]) -> bytes:
    return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign_checkpoint(
    head: ChainHead, key: Ed25519PrivateKey, *, organisation: str, signed_at: datetime
) -> Checkpoint:
    public = key.public_key()
    unsigned = Checkpoint(
        organisation=organisation,
        position=head.position,
        digest=head.digest,
        recorded_at=head.recorded_at.isoformat() if head.recorded_at else None,
        signed_at=signed_at.isoformat(),
        key_id=key_id(public),
        public_key=public_key_text(public),
        signature=b"",
    )
    signature = key.sign(_payload(unsigned.signed_fields()))
    return Checkpoint(**{**_fields(unsigned), "signature": signature})


def _fields(checkpoint: Checkpoint) -> dict[str, Any]:
    return {name: getattr(checkpoint, name) for name in Checkpoint.__slots__}


def parse_checkpoint(data: Any) -> Checkpoint:
    """A checkpoint from its JSON form; CheckpointError when it is not one."""
    if not isinstance(data, Mapping) or data.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"not a checkpoint (expected format {CHECKPOINT_FORMAT!r})")
    try:
        position = data["position"]
        if not isinstance(position, int) or isinstance(position, bool) or position < 1:
            raise CheckpointError("position must be a positive integer")
        digest = bytes.fromhex(data["digest"])
        if len(digest) != 32:
            raise CheckpointError("digest must be 32 bytes in hex")
        signature = base64.b64decode(data["signature"], validate=True)
        return Checkpoint(
            organisation=str(data["organisation"]),
            position=position,
            digest=digest,
            recorded_at=data["recorded_at"],
            signed_at=str(data["signed_at"]),
            key_id=str(data["key_id"]),
            public_key=str(data.get("public_key", "")),
            signature=signature,
        )
    except KeyError as missing:
        raise CheckpointError(f"the checkpoint has no {missing.args[0]!r}") from None
    except (TypeError, ValueError, binascii.Error) as error:
        if isinstance(error, CheckpointError):
            raise
        raise CheckpointError(f"malformed checkpoint: {error}") from None


def signature_problem(checkpoint: Checkpoint, keys: Mapping[str, Ed25519PublicKey]) -> str | None:
    """None when ``checkpoint`` is signed by one of ``keys``, else why not.

    The public key printed inside the checkpoint is never trusted: whoever
    forges a checkpoint can put their own key there."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        known = ", ".join(sorted(keys)) or "none"
        return f"signed with key {checkpoint.key_id}, which is not a trusted key (trusted: {known})"
    try:
        key.verify(checkpoint.signature, _payload(checkpoint.signed_fields()))
    except InvalidSignature:
        return "the signature is not valid: the checkpoint was altered or not signed by this key"
    return None


@dataclass(frozen=True, slots=True)
class CheckpointCheck:
    """A checkpoint held against a recomputed history."""

    checkpoint: Checkpoint
    source: str
    problem: str | None

    @property
    def holds(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "position": self.checkpoint.position,
            "digest": self.checkpoint.digest.hex(),
            "signed_at": self.checkpoint.signed_at,
            "key_id": self.checkpoint.key_id,
            "holds": self.holds,
            "problem": self.problem,
        }


def check_checkpoint(
    checkpoint: Checkpoint,
    digests_at: Mapping[int, bytes],
    keys: Mapping[str, Ed25519PublicKey],
    *,
    source: str,
) -> CheckpointCheck:
    """Does the recomputed history reach ``checkpoint``'s digest at its position,
    and is the checkpoint signed by a trusted key?"""
    problem = signature_problem(checkpoint, keys)
    if problem is None:
        recomputed = digests_at.get(checkpoint.position)
        if recomputed is None:
            problem = (
                f"position {checkpoint.position} is not in this history: it was removed, "
                "or the checkpoint is of another store"
            )
        elif recomputed != checkpoint.digest:
            problem = (
                f"the history up to position {checkpoint.position} is not the one that was signed "
                "on " + checkpoint.signed_at + ": events before it were changed, removed or added"
            )
    return CheckpointCheck(checkpoint, source, problem)
