"""Test images for the PaddleOCR walkthrough, drawn with numpy only: dark
text in a 5x7 bitmap font on a light, slightly noisy page, preprocessed the
way PaddleOCR's det/rec models expect."""

import numpy as np

_FONT = {  # 5x7 glyphs, rows top to bottom, '#' = ink
    "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "I": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "N": ["#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"],
    "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
    "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
    "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
    "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
    "0": [".###.", "#..##", "#.#.#", "#.#.#", "##..#", "#...#", ".###."],
    " ": ["....."] * 7,
}


def draw_text(img, text, top, left, scale):
    for k, ch in enumerate(text):
        glyph = _FONT[ch]
        for r, row in enumerate(glyph):
            for c, px in enumerate(row):
                if px == "#":
                    y, x = top + r * scale, left + (k * 6 + c) * scale
                    img[y:y + scale, x:x + scale] = 20
    return img


def page(h, w, lines, seed=0):
    """An RGB uint8 page of `h` x `w` with the given (text, top, left, scale)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w), 235, dtype=np.float64)
    for text, top, left, scale in lines:
        draw_text(img, text, top, left, scale)
    img += rng.normal(0, 6, img.shape)
    img = np.clip(img, 0, 255)
    return np.stack([img, img * 0.98, img * 0.95], axis=-1).astype(np.uint8)


def det_input(h=96, w=160):
    img = page(h, w, [("MLIR PRUNE", 12, 8, 2), ("ONNX 2024", 48, 16, 3)])
    x = img.astype(np.float32) / 255.0
    x = (x - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def rec_input(w=320):
    img = page(48, w, [("MLIR PRUNE ONNX", 10, 6, 4)], seed=1)
    x = img.astype(np.float32) / 255.0
    x = (x - 0.5) / 0.5
    return x.transpose(2, 0, 1)[None].astype(np.float32)
