"""Recordings: download with progress and cancel, an LRU disk cache, decode and peaks off the loop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import httpx

from app import paths
from app.audio.peaks import PeakPyramid
from app.domain import Call
from app.providers.base import PlatformClient, RecordingLayout
from app.providers.http import BodyTooLarge, capped_chunks

if TYPE_CHECKING:
    from app.audio.decode import DecodedAudio

DEFAULT_CACHE_BYTES = 2 * 1024**3
LAYOUTS: tuple[RecordingLayout, ...] = ("stereo", "mono")  # stereo first: customer and assistant apart
SUFFIXES = {"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/mpeg": ".mp3",
            "audio/mp3": ".mp3", "audio/flac": ".flac", "audio/x-flac": ".flac", "audio/ogg": ".ogg"}
PARTIAL = ".part"

Progress = Callable[[str, float | None], None]  # (what is happening, fraction done or None)


class RecordingError(Exception):
    """A recording could not be stored or read; `str(err)` is fit to show a reviewer. (A platform's
    refusal or a dropped connection is a ProviderError, like every other request.)"""


@dataclass(frozen=True)
class LoadedRecording:
    audio: DecodedAudio
    peaks: PeakPyramid
    layout: RecordingLayout
    path: Path


class RecordingCache:
    """Downloaded recordings under the cache folder, at most `max_bytes`; the least recently used
    go first. A file's mtime is its last use. Files appear by an atomic rename of a temporary file
    only this process writes, never rewritten in place, so two consoles can share the folder."""

    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.root = root or paths.cache_dir() / "recordings"
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes

    def find(self, key: str) -> Path | None:
        stem = _safe(key)
        for path in self.root.glob(f"{stem}.*"):
            if path.stem == stem and path.suffix != PARTIAL:
                with contextlib.suppress(OSError):
                    os.utime(path)  # mark as just used
                return path
        return None

    def partial_path(self, key: str) -> Path:
        """A temporary name of this process's own: another console downloading the same key writes elsewhere."""
        return self.root / f"{_safe(key)}~{os.getpid()}-{uuid.uuid4().hex[:8]}{PARTIAL}"

    def commit(self, key: str, partial: Path, suffix: str) -> Path:
        final = self.root / f"{_safe(key)}{suffix}"
        partial.replace(final)  # atomic: readers see the old file or the whole new one
        self.evict(keep=final)
        return final

    def total_bytes(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Delete least recently used files until the cache fits; `keep` and downloads in flight survive."""
        entries = sorted(self._entries(), key=lambda e: e[2])
        total = sum(size for _, size, _ in entries)
        removed = []
        for path, size, _ in entries:
            if total <= self.max_bytes:
                break
            if path == keep or path.suffix == PARTIAL:
                continue
            with contextlib.suppress(OSError):  # in use elsewhere (Windows): try again next time
                path.unlink()
                total -= size
                removed.append(path)
        return removed

    def _entries(self) -> list[tuple[Path, int, float]]:
        entries = []
        for path in self.root.iterdir():
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((path, stat.st_size, stat.st_mtime))
        return entries


class RecordingSaver:
    """Streams one download answer into `dest`, at most `limit` bytes (checked against Content-Length
    before the first byte and while reading), writing on `executor` so the event loop never blocks on disk.
    Each call starts the file over, so a retried download never appends to a broken one."""

    def __init__(self, dest: Path, limit: int, executor: Executor | None, progress: Progress | None):
        self.dest, self.limit, self.executor, self.progress = dest, limit, executor, progress

    async def __call__(self, response: httpx.Response) -> str:
        total = _content_length(response)
        loop = asyncio.get_running_loop()
        received = 0
        with self.dest.open("wb") as f:
            try:
                async for chunk in capped_chunks(response, self.limit):
                    received += len(chunk)
                    await loop.run_in_executor(self.executor, f.write, chunk)
                    if self.progress:
                        self.progress(f"Downloading recording… {_megabytes(received)}",
                                      received / total if total else None)
            except BodyTooLarge:
                raise RecordingError(_too_large(self.limit)) from None
        # h11 raises when a body ends before its Content-Length or its last chunk; an empty one is not audio.
        if received == 0:
            raise RecordingError("The platform sent an empty recording.")
        return _suffix(response)


async def download(
    client: PlatformClient, call: Call, layout: RecordingLayout, dest: Path, *, limit: int,
    executor: Executor | None = None, progress: Progress | None = None,
) -> str:
    """Stream the call's recording into `dest` through the platform's HTTP policy; returns the file suffix.
    Any failure or a cancel removes the partial file, so nothing cut short is ever kept."""

    def waiting(notice: str) -> None:
        if progress:
            progress(notice, None)

    try:
        return await client.download_recording(call, layout, RecordingSaver(dest, limit, executor, progress), waiting)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


class RecordingLoader:
    """Fetch (or find in the cache), decode and build peaks for a call's recording. Decoding runs
    on `executor`, a thread this loader owns (the player's device is opened there too): never on the Qt thread."""

    def __init__(self) -> None:
        self.cache = RecordingCache()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recording-decode")

    async def load(
        self, call: Call, client: PlatformClient, progress: Progress | None = None,
        layouts: tuple[RecordingLayout, ...] = LAYOUTS,
    ) -> LoadedRecording | None:
        """The first of `layouts` the platform has (e.g. ("customer",) for one side); None when it has none.
        Platform failures are ProviderErrors (a 401 is an AuthenticationError); a file we cannot
        store or decode is a RecordingError."""
        layout = next((layout for layout in layouts if client.recording_source(call, layout) is not None), None)
        if layout is None:
            return None
        key = f"{account_scope(client)}-{call.id}-{layout}"
        path = self.cache.find(key)
        if path is None:
            partial = self.cache.partial_path(key)
            suffix = await download(client, call, layout, partial, limit=self.cache.max_bytes,
                                    executor=self.executor, progress=progress)
            path = self.cache.commit(key, partial, suffix)
        if progress:
            progress("Reading the recording…", None)
        audio, peaks = await asyncio.get_running_loop().run_in_executor(self.executor, _decode_and_measure, path)
        return LoadedRecording(audio, peaks, layout, path)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _decode_and_measure(path: Path) -> tuple[DecodedAudio, PeakPyramid]:
    from app.audio.decode import DecodeError, decode_file  # soundfile loads here, off the Qt thread

    try:
        audio = decode_file(path)
    except DecodeError as err:
        path.unlink(missing_ok=True)  # a broken file must not stick in the cache
        raise RecordingError(str(err)) from err
    return audio, PeakPyramid.from_samples(audio.samples, audio.sample_rate)


def account_scope(client: PlatformClient) -> str:
    """The account in a cache key: two accounts never share a cached file."""
    return f"{client.provider}-{hashlib.sha256(client.base_url.encode()).hexdigest()[:12]}"


def _too_large(limit: int) -> str:
    return f"The recording is larger than the recording cache allows ({_megabytes(limit)}); it was not downloaded."


def _content_length(response: httpx.Response) -> int | None:
    """The decoded size when the answer says it (not when compressed): for the progress fraction."""
    try:
        value = int(response.headers.get("content-length", ""))
    except ValueError:
        return None
    return value if value > 0 and not response.headers.get("content-encoding") else None


def _suffix(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in SUFFIXES:
        return SUFFIXES[content_type]
    ext = os.path.splitext(urlparse(str(response.url)).path)[1].lower()
    return ext if ext in {".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus"} else ".audio"


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", key)[:160]
