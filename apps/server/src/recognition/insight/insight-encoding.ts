/**
 * Activations and attributions → the contract's byte planes (`DigitInsight`): every channel scaled
 * to 0–255 on its own (by its own maximum; a channel that is all zero stays zero), channel-major,
 * and the whole payload held to {@link INSIGHT_MAX_BYTES}.
 *
 * Channel choice: digit-net's activations come to ≈ 67 KB a digit (conv 28×28×32 alone is 25 KB),
 * a little over the budget. While the payload is too big, the layer with the most bytes gives up
 * its least active channel (the smallest sum of activations: a map that says least about this
 * drawing). Channels sent keep their order; `channelIndices` names them and `totalChannels` says how
 * many the layer has. For digit-net that is 5 of the first conv layer's 32 maps (28×28) and 1 of
 * the second's (26×26); everything else goes whole.
 */
import type { DigitInsight, InsightLayer, WireBytes } from '@live-digits/shared';
import { IMAGE_SIDE } from '@live-digits/shared/model/model-contract';
import type { InsightActivations } from './insight-pass';
import type { ViewedLayer } from './insight-view';

/** Per digit, as the issue asks: bytes of data plus the JSON of everything else. */
export const INSIGHT_MAX_BYTES = 64 * 1024;

export type RawInsight = Omit<DigitInsight<Uint8Array>, 'placement'>;

/** The contract's insight for one image, within `maxBytes`. */
export function encodeInsight(layers: readonly ViewedLayer[], activations: InsightActivations, maxBytes = INSIGHT_MAX_BYTES): RawInsight {
  const kept = layers.map((layer, index) => {
    const values = activations.layers[index];
    const activity = channelActivity(values, layer.channels);
    return { layer, values, activity, channels: Array.from({ length: layer.channels }, (_, c) => c) };
  });
  const insight = (): RawInsight => ({
    digit: activations.digit,
    input: { width: IMAGE_SIDE, height: IMAGE_SIDE, data: Uint8Array.from(activations.input, toByte) },
    saliency: { width: IMAGE_SIDE, height: IMAGE_SIDE, data: scaledBytes(positivePart(activations.saliency)) },
    layers: kept.map(({ layer, values, channels }) => layerPlanes(layer, values, channels)),
  });
  // Sizes first, bytes once. Dropping a channel saves its plane and its entry in channelIndices
  // (its digits and a comma), so the size is counted in full once and then kept up to date.
  let size = sizeOf(kept, activations.digit);
  while (size > maxBytes) {
    let biggest: (typeof kept)[number] | undefined;
    for (const entry of kept) {
      if (entry.channels.length > 1 && (!biggest || planeBytes(entry) > planeBytes(biggest))) biggest = entry;
    }
    if (!biggest) break;
    let weakest = 0;
    for (let i = 1; i < biggest.channels.length; i++) {
      if (biggest.activity[biggest.channels[i]] < biggest.activity[biggest.channels[weakest]]) weakest = i;
    }
    const [dropped] = biggest.channels.splice(weakest, 1);
    size -= biggest.layer.width * biggest.layer.height + String(dropped).length + 1;
    // The count of channels is in the JSON too; when its digits change, count everything again.
    if (String(biggest.channels.length).length !== String(biggest.channels.length + 1).length) size = sizeOf(kept, activations.digit);
  }
  return insight();
}

/** The bytes a payload takes: its planes' bytes plus the JSON text of the rest. */
export function insightBytes(insight: RawInsight | DigitInsight<Uint8Array>): number {
  let data = insight.input.data.byteLength + insight.saliency.data.byteLength;
  for (const layer of insight.layers) data += layer.data.byteLength;
  const withoutData = JSON.stringify(insight, (key, value: unknown) => (key === 'data' ? 0 : value));
  return data + withoutData.length;
}

/** The same insight with every plane as base64 text, for JSON over HTTP. */
export function insightAsBase64(insight: DigitInsight): DigitInsight<string> {
  const text = (data: WireBytes) =>
    (data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data)).toString('base64');
  return {
    ...insight,
    input: { ...insight.input, data: text(insight.input.data) },
    saliency: { ...insight.saliency, data: text(insight.saliency.data) },
    layers: insight.layers.map((layer) => ({ ...layer, data: text(layer.data) })),
  };
}

interface KeptLayer {
  layer: ViewedLayer;
  channels: number[];
}

function planeBytes({ layer, channels }: KeptLayer): number {
  return channels.length * layer.width * layer.height;
}

/** The payload's bytes with these channels kept: both 28×28 planes, the layers' planes and the JSON of the rest. */
function sizeOf(kept: readonly KeptLayer[], digit: number): number {
  const shape = kept.map(({ layer, channels }) => ({
    ...layer,
    channels: channels.length,
    totalChannels: layer.channels,
    channelIndices: channels,
  }));
  const planes = kept.reduce((sum, entry) => sum + planeBytes(entry), 0);
  return 2 * IMAGE_SIDE * IMAGE_SIDE + planes + jsonOverhead(digit, shape);
}

function jsonOverhead(digit: number, layers: object[]): number {
  const plane = { width: IMAGE_SIDE, height: IMAGE_SIDE, data: 0 };
  return JSON.stringify({ digit, input: plane, saliency: plane, layers: layers.map((layer) => ({ ...layer, data: 0 })) }).length;
}

/** Sum of each channel's activations (NHWC: channel c of pixel p is values[p · channels + c]). */
function channelActivity(values: Float32Array, channels: number): Float64Array {
  const sums = new Float64Array(channels);
  for (let p = 0; p < values.length; p += channels) {
    for (let c = 0; c < channels; c++) sums[c] += values[p + c];
  }
  return sums;
}

/** NHWC floats → channel-major bytes of the listed channels, each scaled by its own maximum. */
function layerPlanes(layer: ViewedLayer, values: Float32Array, channels: number[]): InsightLayer<Uint8Array> {
  const pixels = layer.width * layer.height;
  const data = new Uint8Array(channels.length * pixels);
  channels.forEach((channel, slot) => {
    let max = 0;
    for (let i = channel; i < values.length; i += layer.channels) if (values[i] > max) max = values[i];
    if (max <= 0) return;
    const scale = 255 / max;
    const offset = slot * pixels;
    for (let p = 0, i = channel; p < pixels; p++, i += layer.channels) {
      // Activations are ReLU outputs (≥ 0) and at most max: round to 0–255 directly.
      const value = values[i];
      data[offset + p] = value > 0 ? Math.round(value * scale) : 0;
    }
  });
  return {
    name: layer.name,
    kind: layer.kind,
    width: layer.width,
    height: layer.height,
    channels: channels.length,
    totalChannels: layer.channels,
    channelIndices: [...channels],
    data,
  };
}

/** One plane scaled by its maximum (all zero stays zero); its own buffer, so it crosses the socket alone. */
function scaledBytes(values: Float32Array): Uint8Array {
  let max = 0;
  for (const value of values) max = Math.max(max, value);
  const bytes = new Uint8Array(values.length);
  if (max > 0) for (let i = 0; i < values.length; i++) bytes[i] = toByte(values[i] / max);
  return bytes;
}

/** Positive evidence only: what pushed towards the digit. */
function positivePart(values: Float32Array): Float32Array {
  return values.map((value) => (value > 0 ? value : 0));
}

function toByte(unit: number): number {
  return unit <= 0 ? 0 : Math.min(255, Math.round(unit * 255));
}
