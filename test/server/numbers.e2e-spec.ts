/**
 * Numbers end to end with the committed model: a "2026" written digit after digit and streamed
 * as the page streams it, the same number over POST /predict, and too many digits refused.
 * The digits are MNIST test digits redrawn with a canvas pen; for each place the first one (in
 * the seeded order) that the model reads right on its own is used, so the test is about reading
 * a number, not about the model's accuracy on single digits.
 */
import * as path from 'node:path';
import { MAX_DIGITS } from '@live-digits/shared';
import type { FeedbackAck } from '@live-digits/shared';
import type { DrawnDigit } from '@live-digits/digit-data/drawn-digits/drawn-digits';
import { DEFAULT_MODEL_DIR } from '@live-digits/shared/model/model-files';
import type { PredictResponse } from '../../apps/server/src/recognition/predict.dto';
import { dataUrl, drawnDigits } from './support/drawings';
import { NumberLayout, numberStrokes, renderStrokes } from './support/numbers';
import { connect, disconnectAll, exchange, startServer, TestServer, TRANSPORTS } from './support/test-server';

const MODEL_DIR = path.resolve(__dirname, '../..', DEFAULT_MODEL_DIR);
/** Room for four digits at full size: each digit is drawn at the same scale alone and in the number. */
const LAYOUT: NumberLayout = { width: 800, height: 400, digitHeight: 150, gap: 40 };
const YEAR = '2026';

describe('numbers with the committed model', () => {
  let server: TestServer;
  /** The four digits of YEAR, placed side by side on LAYOUT. */
  let year: DrawnDigit[];

  const predict = (png: Buffer) =>
    fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: dataUrl(png) }),
    });

  /** The first drawing of `label` (seeded order) that the server reads right when it is alone on the canvas. */
  async function readableDigit(label: number, pool: DrawnDigit[], taken: Set<DrawnDigit>): Promise<DrawnDigit> {
    for (const digit of pool.filter((d) => d.label === label && !taken.has(d))) {
      const alone = await renderStrokes(numberStrokes([digit], LAYOUT), LAYOUT);
      const body = (await (await predict(alone)).json()) as PredictResponse;
      if (body.number?.text === String(label)) return digit;
    }
    throw new Error(`None of the ${label}s drawn reads right on its own.`);
  }

  beforeAll(async () => {
    server = await startServer({ modelDir: MODEL_DIR });
    const pool = drawnDigits(100, 2026);
    const taken = new Set<DrawnDigit>();
    const chosen: DrawnDigit[] = [];
    for (const character of YEAR) {
      const digit = await readableDigit(Number(character), pool, taken);
      taken.add(digit);
      chosen.push(digit);
    }
    year = numberStrokes(chosen, LAYOUT);
  });
  afterEach(disconnectAll);
  afterAll(() => server?.close());

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it(`reads "${YEAR}" written digit after digit as "2", "20", "202", "2026", boxes left to right`, async () => {
      const socket = await connect(server.url, transport);
      const texts: string[] = [];
      for (let written = 1; written <= year.length; written++) {
        const image = await renderStrokes(year.slice(0, written), LAYOUT);
        const { prediction, error } = await exchange(socket, { seq: written, image, final: true });
        expect(error).toBeUndefined();
        const number = prediction!.number!;
        texts.push(number.text);
        expect(number.digits).toHaveLength(written);
        // The top-level fields are the first digit's.
        expect(prediction).toMatchObject({ empty: false, digit: number.digits[0].digit, confidence: number.digits[0].confidence });
        expect(prediction!.probabilities).toEqual(number.digits[0].probabilities);
        // Each box holds that digit's pen strokes, in the image's pixels.
        number.digits.forEach(({ box: [x, y, width, height] }, i) => {
          const points = year[i].strokes.flat();
          const half = year[i].penWidth / 2;
          expect(x).toBeLessThanOrEqual(Math.min(...points.map((p) => p.x)) - half + 2);
          expect(x + width).toBeGreaterThanOrEqual(Math.max(...points.map((p) => p.x)) + half - 2);
          expect(y).toBeLessThanOrEqual(Math.min(...points.map((p) => p.y)) - half + 2);
          expect(y + height).toBeGreaterThanOrEqual(Math.max(...points.map((p) => p.y)) + half - 2);
        });
      }
      expect(texts).toEqual(['2', '20', '202', '2026']);
    });

    it(`refuses ${MAX_DIGITS + 1} separate marks with TOO_MANY_DIGITS`, async () => {
      const socket = await connect(server.url, transport);
      const { prediction, error } = await exchange(socket, { seq: 1, image: await tooManyDigits(), final: true });
      expect(prediction).toBeUndefined();
      expect(error).toEqual({ seq: 1, code: 'TOO_MANY_DIGITS', message: expect.stringContaining(`at most ${MAX_DIGITS} digits`) });
    });

    it(`refuses ${MAX_DIGITS + 1} separate marks as feedback with INVALID_IMAGE, a feedback code`, async () => {
      const socket = await connect(server.url, transport);
      const image = await tooManyDigits();
      const ack = await new Promise<FeedbackAck>((resolve) => socket.emit('feedback', { image, label: 1 }, resolve));
      expect(ack).toEqual({ ok: false, code: 'INVALID_IMAGE', message: expect.stringContaining('Feedback is one digit') });
    });
  });

  it("sends each digit's own preview when asked, the top-level one the first digit's", async () => {
    const socket = await connect(server.url, 'websocket');
    const whole = await exchange(socket, { seq: 1, image: await renderStrokes(year, LAYOUT), final: true, preview: true });
    const previews = whole.prediction!.number!.digits.map(({ preview }) => preview);
    expect(whole.prediction!.preview).toBe(previews[0]);
    // Each digit is fitted on its own, so its preview is what the model sees of it alone on the canvas.
    for (const [i, digit] of year.entries()) {
      const alone = await exchange(socket, { seq: 2 + i, image: await renderStrokes([digit], LAYOUT), final: true, preview: true });
      expect(previews[i]).toMatch(/^data:image\/png;base64,/);
      expect(previews[i]).toBe(alone.prediction!.preview);
    }
    expect(new Set(previews).size).toBe(year.length);
    // Without the flag, no preview at all.
    const plain = await exchange(socket, { seq: 10, image: await renderStrokes(year, LAYOUT), final: true });
    expect(plain.prediction!.preview).toBeUndefined();
    expect(plain.prediction!.number!.digits.every(({ preview }) => preview === undefined)).toBe(true);
  });

  describe('POST /predict', () => {
    it(`answers "${YEAR}" with every digit and the first one in the seed format's fields`, async () => {
      const response = await predict(await renderStrokes(year, LAYOUT));
      expect(response.status).toBe(200);
      const body = (await response.json()) as PredictResponse;
      expect(body.number?.text).toBe(YEAR);
      expect(body).toMatchObject({ empty: false, digit: 2 });
      expect(body.confidence).toBe(body.number!.digits[0].confidence);
      const lefts = body.number!.digits.map(({ box }) => box[0]);
      expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
      for (const { probabilities, box } of body.number!.digits) {
        expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(box[0] + box[2]).toBeLessThanOrEqual(LAYOUT.width);
        expect(box[1] + box[3]).toBeLessThanOrEqual(LAYOUT.height);
      }
    });

    it(`answers ${MAX_DIGITS + 1} separate marks with 422 {code: TOO_MANY_DIGITS, message}`, async () => {
      const response = await predict(await tooManyDigits());
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ code: 'TOO_MANY_DIGITS', message: expect.stringContaining(`it has ${MAX_DIGITS + 1}`) });
    });
  });
});

/** Nine upright strokes, a pen's width apart: nine 1s, one more than a number may have. */
function tooManyDigits(): Promise<Buffer> {
  const ones = Array.from({ length: MAX_DIGITS + 1 }, (_, i) => ({
    label: 1,
    source: -1,
    penWidth: 16,
    strokes: [
      [
        { x: 40 + i * 80, y: 120 },
        { x: 40 + i * 80, y: 280 },
      ],
    ],
  }));
  return renderStrokes(ones, LAYOUT);
}
