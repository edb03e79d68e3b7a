import type { InsightLayer } from '@live-digits/shared';
import {
  COLOUR_SCALE,
  SALIENCY_LEVEL,
  TILE_GAP,
  bytesOf,
  channelAt,
  heatPicture,
  layerPicture,
  saliencyLevels,
  tilingOf,
} from './insight-image';

/** Three 2×2 channels: channel c holds the value 100·c + its pixel index. */
function layer(channels = 3): InsightLayer<Uint8Array> {
  const data = new Uint8Array(channels * 4);
  for (let c = 0; c < channels; c++) for (let i = 0; i < 4; i++) data[c * 4 + i] = 50 * c + i;
  return {
    name: 'conv2d_1',
    kind: 'conv',
    width: 2,
    height: 2,
    channels,
    totalChannels: 8,
    channelIndices: [0, 4, 7].slice(0, channels),
    data,
  };
}

const colourOf = (value: number) => [...COLOUR_SCALE.subarray(value * 3, value * 3 + 3), 255];

describe('insight pictures', () => {
  it('reads bytes from an ArrayBuffer (a browser socket) or a Uint8Array (Node) alike', () => {
    expect(bytesOf(new Uint8Array([1, 2]).buffer)).toEqual(new Uint8Array([1, 2]));
    const view = new Uint8Array([3]);
    expect(bytesOf(view)).toBe(view);
  });

  it('tiles channels in as square a grid as they allow, a pixel apart; a dense layer is one strip', () => {
    expect(tilingOf(layer(3))).toEqual({ columns: 2, rows: 2, width: 4 + TILE_GAP, height: 4 + TILE_GAP });
    expect(tilingOf({ width: 13, height: 13, channels: 16 })).toEqual({ columns: 4, rows: 4, width: 55, height: 55 });
    expect(tilingOf({ width: 128, height: 1, channels: 1 })).toEqual({ columns: 1, rows: 1, width: 128, height: 1 });
  });

  it('paints each channel in its tile with the shared colour scale and leaves gaps transparent', () => {
    const { tiling, rgba } = layerPicture(layer(3));
    const at = (x: number, y: number) => [...rgba.subarray((y * tiling.width + x) * 4, (y * tiling.width + x) * 4 + 4)];

    expect(at(0, 0)).toEqual(colourOf(0)); // channel 0, pixel 0
    expect(at(4, 1)).toEqual(colourOf(53)); // channel 1 (second column), pixel 3
    expect(at(1, 3)).toEqual(colourOf(101)); // channel 2 (second row), pixel 1
    expect(at(2, 0)[3]).toBe(0); // the gap
    expect(at(4, 4)[3]).toBe(0); // no fourth channel
  });

  it('finds the channel under a point of the picture, none in a gap or an empty tile', () => {
    expect(channelAt(layer(3), 0.5, 1.5)).toBe(0);
    expect(channelAt(layer(3), 3.9, 0)).toBe(1);
    expect(channelAt(layer(3), 1, 3.2)).toBe(2);
    expect(channelAt(layer(3), 4, 4)).toBeNull();
    expect(channelAt(layer(3), -1, 0)).toBeNull();
  });

  it('shows saliency as heat: no pixel pushed, no colour; the strongest, the most opaque', () => {
    const rgba = heatPicture({ width: 3, height: 1, data: new Uint8Array([0, 26, 255]) });
    expect(rgba[3]).toBe(0);
    expect(rgba[11]).toBe(230);
    // A pixel that pushed a tenth as hard as the strongest still shows, at about a third.
    expect(rgba[7]).toBe(Math.round(0.9 * Math.round(255 * Math.sqrt(26 / 255))));
    expect(rgba[7]).toBeGreaterThan(70);
  });

  it('puts the saliency on a square-root curve that keeps none at none and the strongest at full', () => {
    const levels = saliencyLevels({ width: 3, height: 1, data: new Uint8Array([0, 64, 255]) });
    expect(Array.from(levels.data)).toEqual([0, Math.round(255 * Math.sqrt(64 / 255)), 255]);
    expect(SALIENCY_LEVEL[64]).toBe(128);
  });
});
