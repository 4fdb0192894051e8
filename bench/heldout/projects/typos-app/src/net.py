"""A tiny framed-message client."""

import socket


def recieve(sock: socket.socket, size: int) -> bytes:
    """Read exactly size bytes; raises if the peer closes the conection."""
    chunks = []
    while size:
        chunk = sock.recv(size)
        if not chunk:
            raise ConnectionError("peer closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
