"""Recordings: download with progress and cancel, an LRU disk cache, decode and peaks off the loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import httpx

from app import paths
from app.audio.peaks import PeakPyramid
from app.domain import Call
from app.providers.base import MediaSource, PlatformClient, RecordingLayout
from app.providers.http import RETRYABLE_STATUS, RetryPolicy, retry_after_seconds

if TYPE_CHECKING:
    from app.audio.decode import DecodedAudio

DEFAULT_CACHE_BYTES = 2 * 1024**3
LAYOUTS: tuple[RecordingLayout, ...] = ("stereo", "mono")  # stereo first: customer and assistant apart
SUFFIXES = {"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/mpeg": ".mp3",
            "audio/mp3": ".mp3", "audio/flac": ".flac", "audio/x-flac": ".flac", "audio/ogg": ".ogg"}

Progress = Callable[[str, float | None], None]  # (what is happening, fraction done or None)


class RecordingError(Exception):
    """A recording could not be fetched or read; `str(err)` is fit to show a reviewer."""


@dataclass(frozen=True)
class LoadedRecording:
    audio: DecodedAudio
    peaks: PeakPyramid
    layout: RecordingLayout
    path: Path


class RecordingCache:
    """Downloaded recordings under the cache folder, at most `max_bytes`; the least recently used
    go first. A file's mtime is its last use. Files appear by rename, never rewritten in place."""

    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.root = root or paths.cache_dir() / "recordings"
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes

    def find(self, key: str) -> Path | None:
        stem = _safe(key)
        for path in self.root.glob(f"{stem}.*"):
            if path.stem == stem and path.suffix != ".part":
                with contextlib.suppress(OSError):
                    os.utime(path)  # mark as just used
                return path
        return None

    def partial_path(self, key: str) -> Path:
        return self.root / f"{_safe(key)}.part"

    def commit(self, key: str, partial: Path, suffix: str) -> Path:
        final = self.root / f"{_safe(key)}{suffix}"
        partial.replace(final)
        self.evict(keep=final)
        return final

    def total_bytes(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def evict(self, keep: Path | None = None) -> list[Path]:
        """Delete least recently used files until the cache fits; `keep` survives."""
        entries = sorted(self._entries(), key=lambda e: e[2])
        total = sum(size for _, size, _ in entries)
        removed = []
        for path, size, _ in entries:
            if total <= self.max_bytes:
                break
            if path == keep:
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


async def download(
    http: httpx.AsyncClient,
    source: MediaSource,
    dest: Path,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
) -> str:
    """Stream `source` into `dest`, following redirects to signed URLs; returns the file suffix.
    A 408, 429 or 5xx answer (before any byte) is tried again after the platform's Retry-After or
    the shared backoff. Cancelling the task stops the transfer and removes the partial file."""
    retry = retry or RetryPolicy()
    attempt = 0
    try:
        while True:
            async with http.stream("GET", source.url, headers=source.headers, follow_redirects=True) as response:
                status = response.status_code
                if status < 400:
                    return await _save(response, dest, progress)
                if status not in RETRYABLE_STATUS or attempt >= retry.max_retries:
                    raise RecordingError(_status_message(status))
                delay = retry.delay(attempt, retry_after_seconds(response.headers))
            if progress:
                progress(f"The platform answered HTTP {status}; trying the download again in {max(1, round(delay))} s…", None)
            await retry.sleep(delay)
            attempt += 1
    except httpx.TimeoutException as err:
        dest.unlink(missing_ok=True)
        raise RecordingError("The recording download timed out. Try again.") from err
    except httpx.HTTPError as err:
        dest.unlink(missing_ok=True)
        raise RecordingError(f"The recording could not be downloaded: {err or type(err).__name__}.") from err
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


async def _save(response: httpx.Response, dest: Path, progress: Progress | None) -> str:
    total = _content_length(response)
    received = 0
    with dest.open("wb") as f:
        async for chunk in response.aiter_bytes():
            f.write(chunk)
            received += len(chunk)
            if progress:
                progress(f"Downloading recording… {_megabytes(received)}", received / total if total else None)
    return _suffix(response)


class RecordingLoader:
    """Fetch (or find in the cache), decode and build peaks for a call's recording. Decoding runs
    on `executor`, a thread this loader owns (the player's device is opened there too): never on the Qt thread."""

    def __init__(self) -> None:
        self.cache = RecordingCache()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recording-decode")

    async def load(self, call: Call, client: PlatformClient, progress: Progress | None = None) -> LoadedRecording | None:
        """None when the platform has no recording for this call."""
        for layout in LAYOUTS:
            source = client.recording_source(call, layout)
            if source is not None:
                break
        else:
            return None
        key = f"{call.provider}-{call.id}-{layout}"
        path = self.cache.find(key)
        if path is None:
            partial = self.cache.partial_path(key)
            suffix = await download(client.http, source, partial, progress)
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


def _status_message(status: int) -> str:
    if status in (401, 403):
        return "The platform refused access to the recording (check the API key)."
    if status == 404:
        return "The platform has no recording for this call (it may have expired)."
    if status == 429:
        return "The platform is rate limiting downloads. Try again in a minute."
    return f"The recording could not be downloaded (the platform answered HTTP {status})."


def _content_length(response: httpx.Response) -> int | None:
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
