"""The image pipeline next to a bare Pillow open-thumbnail-save of the same photos, in the same run.

Makes 20 photo-like 12-megapixel JPEGs (4000 × 3000, with EXIF orientation and GPS on some),
then measures, each in a fresh process so peak memory is its own:
- bare: Pillow opens each file, scales it to the pipeline's stored size (2560 px), saves it as JPEG,
  and makes the same two 480 px thumbnails (WebP and JPEG) — the same outputs, none of the checks;
- pipeline: `marketplace.common.images.image_process`, which also sniffs the content, checks the pixel
  count from the header, applies EXIF orientation and strips all metadata.
Prints time per photo and peak memory above the process's own baseline, and the two ratios
(target: time within 1.3×, memory under 2×).

    .venv/bin/python bench/images.py [--photos 20]
"""

import argparse
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench.summary import Summary, print_summary  # noqa: E402

STORED_SIDE = 2560
THUMB = (480, 480)


def make_photos(folder: Path, count: int) -> list[Path]:
    """Photo-like JPEGs: smooth gradients with grain, so they compress like real photos (3–6 MB)."""
    from PIL import Image, ImageChops, ImageFilter

    paths = []
    for index in range(count):
        width, height = 4000, 3000
        base = Image.merge(
            "RGB",
            [
                Image.linear_gradient("L").resize((width, height)),
                Image.radial_gradient("L").resize((width, height)),
                Image.linear_gradient("L").rotate(90 + index * 7).resize((width, height)),
            ],
        )
        grain = (
            Image.effect_noise((width // 2, height // 2), 40 + index)
            .resize((width, height))
            .filter(ImageFilter.GaussianBlur(1))
        )
        photo = ImageChops.add(base, Image.merge("RGB", [grain, grain, grain]), scale=1.6, offset=-40)
        exif = Image.Exif()
        exif[0x0112] = 6 if index % 3 == 0 else 1  # orientation: some taken sideways
        if index % 2 == 0:
            exif[0x8825] = {1: "N", 2: (46.0, 48.0, 50.0), 3: "W", 4: (71.0, 12.0, 29.0)}  # GPS: Québec
        path = folder / f"photo-{index:02d}.jpg"
        photo.save(path, "JPEG", quality=90, exif=exif)
        paths.append(path)
    return paths


def bare(data: bytes) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    thumb = image.copy()
    thumb.thumbnail(THUMB, Image.Resampling.LANCZOS)
    thumb.save(io.BytesIO(), "WEBP", quality=82, method=4)
    thumb.save(io.BytesIO(), "JPEG", quality=85, optimize=True, progressive=True)


def pipeline(data: bytes) -> None:
    from marketplace.common.images import image_process

    image_process(upload=data, field="image")


def worker(kind: str, paths: list[str]) -> None:
    """Run one path over every photo; print timings and peak memory above this process's baseline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    import django

    django.setup()
    import PIL.Image  # noqa: F401  (imported before the baseline for both paths)

    import marketplace.common.images  # noqa: F401

    run = {"bare": bare, "pipeline": pipeline}[kind]
    timings, peaks_kb = [], []
    for path in paths:
        data = Path(path).read_bytes()
        # Linux: reset the process's peak RSS, so each photo's peak is measured on its own.
        Path("/proc/self/clear_refs").write_text("5")
        before_kb = _status_kb("VmRSS")
        start = time.perf_counter()
        run(data)
        timings.append((time.perf_counter() - start) * 1000)
        peaks_kb.append(_status_kb("VmHWM") - before_kb)
    print(json.dumps({"timings_ms": timings, "peak_above_baseline_mb": max(peaks_kb) / 1024}))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(kind: str, paths: list[Path]) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", kind, *map(str, paths)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--worker", choices=["bare", "pipeline"])
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.paths)
        return

    with tempfile.TemporaryDirectory() as folder:
        paths = make_photos(Path(folder), args.photos)
        sizes = [p.stat().st_size / 1e6 for p in paths]
        print(f"{len(paths)} photos of 12 MP, {statistics.mean(sizes):.1f} MB on average")
        # Alternate the order so neither path always runs on a warmer machine.
        results = {"bare": [], "pipeline": []}
        for kind in ("bare", "pipeline", "pipeline", "bare"):
            results[kind].append(measure(kind, paths))

    summary = {}
    for kind, runs in results.items():
        timings = [t for run in runs for t in run["timings_ms"]]
        summary[kind] = {
            "p50": statistics.median(timings),
            "mean": statistics.mean(timings),
            "peak": max(run["peak_above_baseline_mb"] for run in runs),
        }
    print(f"\n{'path':10} {'p50 ms/photo':>13} {'mean ms':>9} {'peak MB':>9}")
    for kind, row in summary.items():
        print(f"{kind:10} {row['p50']:13.1f} {row['mean']:9.1f} {row['peak']:9.1f}")
    time_ratio = summary["pipeline"]["mean"] / summary["bare"]["mean"]
    memory_ratio = summary["pipeline"]["peak"] / summary["bare"]["peak"]
    print(f"\nratio pipeline/bare: time {time_ratio:.2f}× (target ≤ 1.3), peak memory {memory_ratio:.2f}× (target < 2)")
    print_summary(
        Summary(
            name="images",
            label="mean per photo",
            figure=summary["pipeline"]["mean"],
            baseline=summary["bare"]["mean"],
            unit="ms",
            ratio=time_ratio,
            target=f"time ratio <= 1.3 and peak memory ratio < 2 (memory {memory_ratio:.2f})",
            met=time_ratio <= 1.3 and memory_ratio < 2,
        )
    )


if __name__ == "__main__":
    main()
