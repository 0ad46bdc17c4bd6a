"""Build the onedir desktop bundle into dist/switchboard/ and report its size against the budget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUDGET_MB = 200


def bundle_size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def strip_binaries(folder: Path) -> None:
    """Strip debug symbols from shared libraries, except auditwheel-repaired ones (`*.libs/`),
    which strip corrupts (numpy's OpenBLAS stops loading)."""
    for lib in folder.rglob("*.so*"):
        if lib.is_symlink() or not lib.is_file() or any(p.endswith(".libs") for p in lib.parts):
            continue
        subprocess.run(["strip", "--strip-unneeded", str(lib)], check=False, capture_output=True)


def main() -> int:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
         str(ROOT / "packaging" / "switchboard.spec")],
        check=True,
        cwd=ROOT,
    )
    if sys.platform.startswith("linux"):
        strip_binaries(DIST / "switchboard")
    size = bundle_size_mb(DIST / "switchboard")
    verdict = "within" if size <= BUDGET_MB else "OVER"
    print(f"dist/switchboard: {size:.1f} MB ({verdict} the {BUDGET_MB} MB budget)")
    return 0 if size <= BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
