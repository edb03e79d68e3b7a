/**
 * The network's insides as pictures: activations tiled as small multiples (one picture per layer,
 * a map per channel), a planes' bytes coloured with one shared scale, and the saliency as heat
 * whose opacity is its strength. Pure: bytes in, RGBA out, for putImageData.
 */
import type { BytePlane, DigitInsight, InsightLayer, WireBytes } from '@live-digits/shared';

/** The insight with its bytes as Uint8Array, however the socket delivered them. */
export type Insight = DigitInsight<Uint8Array>;

export const bytesOf = (data: WireBytes): Uint8Array => (data instanceof Uint8Array ? data : new Uint8Array(data));

export function normaliseInsight(insight: DigitInsight): Insight {
  const plane = (p: BytePlane) => ({ ...p, data: bytesOf(p.data) });
  return {
    ...insight,
    input: plane(insight.input),
    saliency: plane(insight.saliency),
    layers: insight.layers.map((layer) => ({ ...layer, data: bytesOf(layer.data) })),
  };
}

/** Colour stops of a perceptual dark-to-bright scale (after matplotlib's inferno): readable on either page colour. */
const STOPS: [number, number, number][] = [
  [0, 0, 4],
  [40, 11, 84],
  [101, 21, 110],
  [159, 42, 99],
  [212, 72, 66],
  [245, 125, 21],
  [250, 193, 39],
  [252, 255, 164],
];

/** 256 RGB triples: byte value → colour. */
export const COLOUR_SCALE: Uint8Array = (() => {
  const scale = new Uint8Array(256 * 3);
  for (let v = 0; v < 256; v++) {
    const at = (v / 255) * (STOPS.length - 1);
    const i = Math.min(Math.floor(at), STOPS.length - 2);
    const t = at - i;
    for (let c = 0; c < 3; c++) scale[v * 3 + c] = Math.round(STOPS[i][c] + (STOPS[i + 1][c] - STOPS[i][c]) * t);
  }
  return scale;
})();

/** Pixels between the maps of a layer's tiling. */
export const TILE_GAP = 1;

export interface Tiling {
  columns: number;
  rows: number;
  /** The whole picture, in pixels. */
  width: number;
  height: number;
}

/** How a layer's channels are laid out: as square a grid as they allow; a dense layer is its one strip. */
export function tilingOf(layer: Pick<InsightLayer, 'width' | 'height' | 'channels'>): Tiling {
  const columns = Math.max(1, Math.ceil(Math.sqrt(layer.channels)));
  const rows = Math.max(1, Math.ceil(layer.channels / columns));
  return { columns, rows, width: columns * layer.width + (columns - 1) * TILE_GAP, height: rows * layer.height + (rows - 1) * TILE_GAP };
}

function paint(rgba: Uint8ClampedArray, pixel: number, value: number): void {
  rgba[pixel * 4] = COLOUR_SCALE[value * 3];
  rgba[pixel * 4 + 1] = COLOUR_SCALE[value * 3 + 1];
  rgba[pixel * 4 + 2] = COLOUR_SCALE[value * 3 + 2];
  rgba[pixel * 4 + 3] = 255;
}

/** Every channel of a layer as a map in the tiling, coloured; the gaps stay transparent. */
export function layerPicture(layer: InsightLayer<Uint8Array>): { tiling: Tiling; rgba: Uint8ClampedArray } {
  const tiling = tilingOf(layer);
  const rgba = new Uint8ClampedArray(tiling.width * tiling.height * 4);
  const plane = layer.width * layer.height;
  for (let c = 0; c < layer.channels; c++) {
    const left = (c % tiling.columns) * (layer.width + TILE_GAP);
    const top = Math.floor(c / tiling.columns) * (layer.height + TILE_GAP);
    for (let y = 0; y < layer.height; y++) {
      for (let x = 0; x < layer.width; x++) paint(rgba, (top + y) * tiling.width + left + x, layer.data[c * plane + y * layer.width + x]);
    }
  }
  return { tiling, rgba };
}

/** The channel (its position in `data`) under a point of the layer's picture, or null in a gap or past the last. */
export function channelAt(layer: Pick<InsightLayer, 'width' | 'height' | 'channels'>, x: number, y: number): number | null {
  const tiling = tilingOf(layer);
  const column = Math.floor(x / (layer.width + TILE_GAP));
  const row = Math.floor(y / (layer.height + TILE_GAP));
  if (column < 0 || row < 0 || column >= tiling.columns || row >= tiling.rows) return null;
  const channel = row * tiling.columns + column;
  return channel < layer.channels ? channel : null;
}

/** One channel of a layer, or a 28×28 plane (channel 0), coloured. */
export function channelPicture(layer: Pick<InsightLayer<Uint8Array>, 'width' | 'height' | 'data'>, channel = 0): Uint8ClampedArray {
  const plane = layer.width * layer.height;
  const rgba = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) paint(rgba, i, layer.data[channel * plane + i]);
  return rgba;
}

/**
 * Saliency byte → how strongly it is shown, on a square-root curve. Gradient × input is heavy-tailed:
 * a few pixels carry the maximum the plane is scaled by, and on a linear scale the strokes that
 * pushed at a tenth of it would all but vanish. The square root shows a tenth at about a third.
 */
export const SALIENCY_LEVEL: Uint8Array = Uint8Array.from({ length: 256 }, (_, v) => Math.round(255 * Math.sqrt(v / 255)));

/** The saliency plane with every byte on the {@link SALIENCY_LEVEL} curve, for the small picture beside the layers. */
export function saliencyLevels(saliency: BytePlane<Uint8Array>): BytePlane<Uint8Array> {
  return { ...saliency, data: saliency.data.map((value) => SALIENCY_LEVEL[value]) };
}

/** The saliency as heat: a warm colour whose opacity grows with how much the pixel pushed. */
export function heatPicture(saliency: BytePlane<Uint8Array>): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(saliency.width * saliency.height * 4);
  for (let i = 0; i < saliency.width * saliency.height; i++) {
    const level = SALIENCY_LEVEL[saliency.data[i]];
    // The bright half of the scale (orange to yellow), so heat reads over dark and light ink alike.
    const colour = 128 + (level >> 1);
    rgba[i * 4] = COLOUR_SCALE[colour * 3];
    rgba[i * 4 + 1] = COLOUR_SCALE[colour * 3 + 1];
    rgba[i * 4 + 2] = COLOUR_SCALE[colour * 3 + 2];
    rgba[i * 4 + 3] = Math.round(level * 0.9);
  }
  return rgba;
}

/** A plane in grey, as the model sees it (white ink on black). */
export function greyPicture(plane: BytePlane<Uint8Array>): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(plane.width * plane.height * 4);
  for (let i = 0; i < plane.width * plane.height; i++) {
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = plane.data[i];
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
