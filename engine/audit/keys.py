"""The deployment's Ed25519 signing key: loaded from a PEM file or a PKCS#12 bundle, or made for the demo.

Signatures come from ``cryptography`` (a well-kept binding of OpenSSL); nothing here is hand-made.
A public key travels as 64 hex characters (its 32 raw bytes), short enough for a printed page.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import pkcs12

from engine.errors import ConflictError


class SigningKeyError(ConflictError):
    """No usable signing key: the deployment is not set up for anchors (409)."""

    code = "signing_key"


def _not_ed25519(path: Path) -> SigningKeyError:
    return SigningKeyError(f"Khóa ký {path} không phải khóa Ed25519",
                           message_en=f"The signing key {path} is not an Ed25519 key")


def load_signing_key(path: str | Path, password: str | None = None) -> Ed25519PrivateKey:
    """The private key in ``path``: PEM (PKCS#8) or PKCS#12 (.p12, .pfx), encrypted with ``password``."""
    path = Path(path)
    secret = password.encode() if password else None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyError(f"Không đọc được khóa ký {path}: {error.strerror}",
                              message_en=f"Cannot read the signing key {path}: {error.strerror}") from None
    try:
        if path.suffix.lower() in (".p12", ".pfx"):
            key = pkcs12.load_key_and_certificates(data, secret)[0]
        else:
            key = serialization.load_pem_private_key(data, secret)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(f"Khóa ký {path} không đọc được (sai mật khẩu hoặc sai định dạng): {error}",
                              message_en=f"The signing key {path} cannot be read (wrong password or format): "
                                         f"{error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _not_ed25519(path)
    return key


def write_demo_key(path: str | Path) -> Ed25519PrivateKey:
    """Make a fresh key in ``path`` (PEM, readable by its owner only) unless one is there; return it."""
    path = Path(path)
    if path.exists():
        return load_signing_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def public_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def read_public_key(text: str) -> Ed25519PublicKey:
    """A public key from its hex form or a PEM block (as exported with the anchors)."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("not Ed25519")
            return key
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    except ValueError as error:
        raise SigningKeyError(f"Khóa công khai không hợp lệ: {error}",
                              message_en=f"Not a valid public key: {error}") from None


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_holds(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
