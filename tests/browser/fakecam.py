"""A video file for Chromium's fake camera: a rendered pass QR on a light-grey frame, as YUV4MPEG2 (.y4m)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from eventops.roster.render import qr_png

WIDTH, HEIGHT = 640, 480
BACKGROUND = 200  # light grey luma: the QR's white quiet zone must stand out from it


def pass_frame(data: str, width: int = WIDTH, height: int = HEIGHT, qr_width: int = 360) -> Image.Image:
    """A greyscale frame with the pass QR for `data` pasted in the centre, about `qr_width` pixels wide."""
    qr = Image.open(io.BytesIO(qr_png(data))).convert("L")
    qr = qr.resize((qr_width, qr_width), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), BACKGROUND)
    frame.paste(qr, ((width - qr_width) // 2, (height - qr_width) // 2))
    return frame


def write_y4m(path: Path, frame: Image.Image, frames: int = 30, fps: int = 30) -> Path:
    """Write `frames` copies of a greyscale frame as 4:2:0 video (Y = the image, U and V neutral)."""
    width, height = frame.size
    if width % 2 or height % 2:
        raise ValueError("4:2:0 video needs an even width and height")
    luma = frame.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)
            out.write(chroma)
    return path
