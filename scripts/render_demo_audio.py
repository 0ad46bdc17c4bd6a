"""Pre-render every scripted line (and the assistant's stock replies) with espeak-ng into resources/audio (OGG Vorbis).

Run after editing a scenario: `.venv/bin/python scripts/render_demo_audio.py`. Files are named by a
hash of voice and text, so unchanged lines keep their files and stale ones are removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.paths import resources_dir  # noqa: E402
from app.sandbox.player import spoken_lines  # noqa: E402
from app.sandbox.scenarios import load_scenarios  # noqa: E402
from app.sandbox.speech import SAMPLE_RATE, clip_key, render_with_espeak  # noqa: E402


def main() -> int:
    audio_dir = resources_dir() / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    wanted: set[str] = set()
    for side, text in spoken_lines(load_scenarios(resources_dir() / "scenarios").values()):
        key = clip_key(side, text)
        wanted.add(key)
        target = audio_dir / f"{key}.ogg"
        if not target.exists():
            sf.write(target, render_with_espeak(side, text), SAMPLE_RATE, format="OGG", subtype="VORBIS")
            print(f"rendered {target.name}: {text}")
    for stale in audio_dir.glob("*.ogg"):
        if stale.stem not in wanted:
            stale.unlink()
            print(f"removed {stale.name}")
    total = sum(p.stat().st_size for p in audio_dir.glob("*.ogg"))
    print(f"{len(wanted)} clips, {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
