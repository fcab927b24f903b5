"""Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), Ed25519.

A checkpoint note is, each line ending in a newline::

    <origin>
    <tree size in decimal>
    <base64 root hash>
    timestamp <unix seconds>            (an extension line; any number of them, all signed)

    — <key name> <base64(key id (4 bytes) || Ed25519 signature over the text above)>

The key id is ``SHA-256(key name || "\\n" || 0x01 || public key)[:4]`` and a verifier key is
written ``<name>+<key id in hex>+<base64(0x01 || public key)>``, so standard transparency-log
tooling can check our checkpoints. Signatures from keys a verifier does not know are ignored;
one from a known key that fails rejects the note; a note with no valid signature from a known
key is rejected. Keep retired keys in the verifier list for as long as checkpoints they signed
must verify: that is key rotation.

Parsing is strict (canonical base64, lower-case hex, no control characters, no repeated
signer) so that a note has one spelling: changing any byte of a note either breaks it or
changes what it says.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
MAX_SIGNATURES = 64  # the spec asks verifiers to accept at least 16
_SIGNATURE_PREFIX = "\u2014 "
_SIZE = re.compile(r"0|[1-9][0-9]*")
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note, checkpoint or verifier key is malformed."""


class NoteVerificationError(NoteError):
    """No known key signed the note validly, or a known key's signature failed."""


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: who claims to have signed, and the signature bytes."""

    key_name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A named Ed25519 public key that checkpoints may be verified against."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    def __str__(self) -> str:
        return verifier_key_string(self.name, self.public_key)

    def verifies(self, signature: NoteSignature, text: bytes) -> bool:
        """Whether ``signature`` is this key's valid signature over ``text``."""
        try:
            self.public_key.verify(signature.signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A parsed checkpoint: the tree head it states and the signatures it carries."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()
    signatures: tuple[NoteSignature, ...] = ()
    verified_by: tuple[str, ...] = ()  # "<name>+<hex key id>" of each key that verified

    @property
    def text(self) -> str:
        """The signed note text (everything above the blank line)."""
        return checkpoint_text(self.origin, self.size, self.root_hash, self.extensions)

    @property
    def timestamp(self) -> int | None:
        """The ``timestamp <unix seconds>`` extension, if the checkpoint has one."""
        for line in self.extensions:
            label, _, value = line.partition(" ")
            if label == "timestamp" and _SIZE.fullmatch(value):
                return int(value)
        return None


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"{what} is not valid base64") from exc
    # Unused bits in the last character would let two spellings carry the same bytes.
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def _check_key_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise NoteError(f"key name {name!r} is empty or holds a space, '+' or control character")
    return name


def _public_bytes(public_key: Ed25519PublicKey | bytes) -> bytes:
    if isinstance(public_key, bytes):
        return public_key
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: Ed25519PublicKey | bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key: ``SHA-256(name || 0x0A || 0x01 || key)[:4]``."""
    material = name.encode() + b"\n" + bytes([ED25519]) + _public_bytes(public_key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key_string(name: str, public_key: Ed25519PublicKey | bytes) -> str:
    """The verifier key ``<name>+<hex key id>+<base64(0x01 || public key)>``."""
    raw = _public_bytes(public_key)
    if len(raw) != 32:
        raise NoteError("an Ed25519 public key is 32 bytes")
    encoded = base64.b64encode(bytes([ED25519]) + raw).decode("ascii")
    return f"{_check_key_name(name)}+{key_id(name, raw).hex()}+{encoded}"


def parse_verifier_key(text: str) -> VerifierKey:
    """Read a verifier key string, checking that its key id matches its name and key."""
    name, _, rest = text.partition("+")
    hex_id, _, encoded = rest.partition("+")  # the base64 may itself contain '+'
    _check_key_name(name)
    if not _KEY_ID_HEX.fullmatch(hex_id):
        raise NoteError("a verifier key's id is 8 lower-case hex digits")
    raw = _b64decode(encoded, "verifier key")
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError("only Ed25519 verifier keys (type 0x01, 32 bytes) are supported")
    if key_id(name, raw[1:]).hex() != hex_id:
        raise NoteError(f"verifier key {name!r} has a key id that does not match its key")
    return VerifierKey(name, bytes.fromhex(hex_id), Ed25519PublicKey.from_public_bytes(raw[1:]))


def checkpoint_text(
    origin: str, size: int, root_hash: bytes, extra_lines: Iterable[str] = ()
) -> str:
    """The note text of a checkpoint: origin, size, base64 root, then extension lines."""
    lines = [origin, str(size), base64.b64encode(root_hash).decode("ascii"), *extra_lines]
    if not origin or size < 0 or len(root_hash) != 32:
        raise NoteError("a checkpoint needs an origin, a size >= 0 and a 32-byte root hash")
    if any(not line or "\n" in line or _CONTROL.search(line) for line in lines):
        raise NoteError("checkpoint lines must be non-empty, without control characters")
    return "".join(line + "\n" for line in lines)


def _signature_line(text: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    public = private_key.public_key()
    blob = key_id(_check_key_name(key_name), public) + private_key.sign(text.encode("utf-8"))
    return f"{_SIGNATURE_PREFIX}{key_name} {base64.b64encode(blob).decode('ascii')}\n"


def sign_note(text: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """A signed note: ``text`` (ending in a newline), a blank line, one signature line."""
    if not text.endswith("\n") or _CONTROL.search(text):
        raise NoteError("note text must end in a newline and hold no control characters")
    return text + "\n" + _signature_line(text, private_key, key_name)


def cosign(note: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """``note`` with one more signature line (sign with old and new keys while rotating)."""
    text, _ = split_note(note)
    return note + _signature_line(text, private_key, key_name)


def sign_checkpoint(
    origin: str,
    size: int,
    root: bytes,
    private_key: Ed25519PrivateKey,
    key_name: str,
    extra_lines: Sequence[str] = (),
    *,
    timestamp: int | None = None,
) -> str:
    """A checkpoint note signed by ``private_key``; ``timestamp`` adds ``timestamp <seconds>``."""
    extensions = [*([f"timestamp {int(timestamp)}"] if timestamp is not None else []), *extra_lines]
    return sign_note(checkpoint_text(origin, size, root, extensions), private_key, key_name)


def split_note(note: str) -> tuple[str, tuple[NoteSignature, ...]]:
    """The text of a note and its signature lines, parsed but not verified."""
    if not isinstance(note, str) or _CONTROL.search(note):
        raise NoteError("a note is text without control characters other than newline")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("a note must be valid UTF-8") from exc
    cut = note.rfind("\n\n")  # the signatures follow the last blank line
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a note is text, a blank line, then signature lines, each ending in \\n")
    text, lines = note[: cut + 1], note[cut + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        name, space, encoded = line.removeprefix(_SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(_SIGNATURE_PREFIX) or not space or " " in encoded:
            raise NoteError("a signature line is '\u2014 <key name> <base64 signature>'")
        blob = _b64decode(encoded, f"signature of {name!r}")
        if len(blob) < 5:
            raise NoteError(f"signature of {name!r} is too short")
        signatures.append(NoteSignature(_check_key_name(name), blob[:4], blob[4:]))
    return text, tuple(signatures)


def parse_checkpoint(note: str) -> Checkpoint:
    """Parse a checkpoint note without verifying it (see :func:`verify_note`)."""
    return _parse(note)[1]


def _parse(note: str) -> tuple[str, Checkpoint]:
    text, signatures = split_note(note)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has an origin, a tree size and a root hash line")
    origin, size, root, *extensions = lines
    if not origin or not _SIZE.fullmatch(size) or not all(extensions):
        raise NoteError("a checkpoint's origin and extension lines are non-empty, its size decimal")
    root_hash = _b64decode(root, "root hash")
    if len(root_hash) != 32:
        raise NoteError("a checkpoint's root hash is 32 bytes")
    return text, Checkpoint(origin, int(size), root_hash, tuple(extensions), signatures)


def verify_note(
    note: str, verifier_keys: Iterable[str | VerifierKey], *, strict: bool = False
) -> Checkpoint:
    """Parse a checkpoint and check its signatures against ``verifier_keys``.

    Returns the checkpoint with ``verified_by`` naming (``<name>+<hex key id>``) the keys whose
    signatures verified.
    Raises :class:`NoteVerificationError` if a known key's signature fails or no known key
    signed, and with ``strict`` also if any signature is from an unknown key.
    """
    text, checkpoint = _parse(note)
    keys = [k if isinstance(k, VerifierKey) else parse_verifier_key(k) for k in verifier_keys]
    known = {(k.name, k.key_id): k for k in keys}
    message = text.encode("utf-8")  # the bytes as signed, not as re-rendered
    verified: list[str] = []
    for signature in checkpoint.signatures:
        key = known.get((signature.key_name, signature.key_id))
        if key is None:
            if strict:
                raise NoteVerificationError(f"signature by unknown key {signature.key_name!r}")
            continue  # the spec says to ignore them: witnesses, other logs, new keys
        label = f"{key.name}+{key.key_id.hex()}"
        if label in verified:
            raise NoteVerificationError(f"key {label} signed the note more than once")
        if not key.verifies(signature, message):
            raise NoteVerificationError(f"the signature of key {label} does not verify")
        verified.append(label)
    if not verified:
        raise NoteVerificationError("no signature from a known key")
    return Checkpoint(
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root_hash,
        checkpoint.extensions,
        checkpoint.signatures,
        tuple(verified),
    )
