/**
 * Receptive fields as one RGBA image: unit i's weights W_i [h × w] in tile i of a grid with
 * `cols` columns, red for positive and blue for negative weights, each tile scaled by its own
 * max |W_i| (as the CLI's filter figures), tiles separated by `gap` white pixels.
 */
export function filterGrid(
  weights: Float32Array,
  nOut: number,
  h: number,
  w: number,
  cols: number,
  gap = 1,
): { width: number; height: number; rgba: Uint8ClampedArray } {
  const rows = Math.ceil(nOut / cols);
  const width = cols * (w + gap) + gap;
  const height = rows * (h + gap) + gap;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  const size = h * w;
  for (let unit = 0; unit < nOut; unit++) {
    const row = unit * size;
    let max = 0;
    for (let j = 0; j < size; j++) max = Math.max(max, Math.abs(weights[row + j]));
    const x0 = gap + (unit % cols) * (w + gap);
    const y0 = gap + Math.floor(unit / cols) * (h + gap);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = max > 0 ? weights[row + r * w + c] / max : 0;
        const o = ((y0 + r) * width + x0 + c) * 4;
        // white at 0, red toward +1, blue toward −1
        const fade = Math.round(255 * (1 - Math.abs(v)));
        rgba[o] = v >= 0 ? 255 : fade;
        rgba[o + 1] = fade;
        rgba[o + 2] = v >= 0 ? fade : 255;
        rgba[o + 3] = 255;
      }
    }
  }
  return { width, height, rgba };
}
