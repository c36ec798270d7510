"""Canonical encoding of facts and the hash chain: bytes in, bytes out."""
