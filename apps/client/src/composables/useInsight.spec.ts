import { ref, shallowRef, watch } from 'vue';
import type { InsightRequest } from '@live-digits/shared';
import { FakeSocket } from '../testing/fake-socket';
import { numberAnswer } from '../testing/predictions';
import { inScope } from '../testing/scope';
import { useDrawing } from './useDrawing';
import { useInsight } from './useInsight';
import { useNumberReading } from './useNumberReading';
import { useRecognizer } from './useRecognizer';

const encode = async () => new Uint8Array([1]).buffer;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The page's wiring: the recognizer asks what the insight panel wants, about the digit described. */
function setup({ open = false } = {}) {
  const socket = new FakeSocket();
  socket.connectionOpens();
  const drawing = useDrawing();
  const isOpen = ref(open);
  const { result, stop } = inScope(() => {
    const request = shallowRef<InsightRequest | null>(null);
    const recognizer = useRecognizer({ socket: socket.asSocket(), drawing, encode, insight: request });
    const reading = useNumberReading(recognizer.prediction);
    const sut = useInsight({ open: isOpen, overlay: ref(true), shown: reading.shown, digits: reading.digits });
    watch(sut.request, (next) => (request.value = next), { immediate: true, flush: 'sync' });
    return { sut, reading };
  });
  /** Draws a finished stroke and waits for its final frame. */
  async function draw() {
    drawing.begin(1, { x: 10, y: 10 });
    drawing.extend(1, [{ x: 10, y: 200 }]);
    drawing.end(1);
    await settle();
  }
  const lastFrame = () => socket.frames.at(-1)!;
  return { socket, drawing, isOpen, draw, lastFrame, stop, ...result };
}

describe(useInsight.name, () => {
  it('asks for no insight while the panel is closed', async () => {
    const { socket, draw } = setup();

    await draw();

    expect(socket.frames.length).toBeGreaterThan(0);
    for (const frame of socket.frames) expect(frame).not.toHaveProperty('insight');
  });

  it("asks for the guess's insight in every frame while the panel is open", async () => {
    const { socket, draw } = setup({ open: true });

    await draw();

    expect(socket.frames.length).toBeGreaterThan(1);
    for (const frame of socket.frames) expect(frame.insight).toBe(true);
  });

  it('opening the panel sends the finished drawing again, with the question; closing it stops asking', async () => {
    const { socket, draw, isOpen, lastFrame } = setup();
    await draw();
    const before = socket.frames.length;

    isOpen.value = true;
    await settle();
    expect(socket.frames.length).toBe(before + 1);
    expect(lastFrame()).toMatchObject({ final: true, insight: true });

    isOpen.value = false;
    await settle();
    expect(socket.frames.length).toBe(before + 2);
    expect(lastFrame()).not.toHaveProperty('insight');
  });

  it('"why not 7?": a row of the panels asks for that digit\'s saliency; its own row, or the guess\'s, back to the guess', async () => {
    const { sut, socket, draw, lastFrame } = setup({ open: true });
    await draw();
    socket.serverSends('prediction', numberAnswer(lastFrame().seq, '4', { insight: true }));

    sut.explain(7);
    await settle();
    expect(sut.explained.value).toBe(7);
    expect(lastFrame().insight).toEqual({ digit: 7 });

    sut.explain(7);
    await settle();
    expect(sut.explained.value).toBeNull();
    expect(lastFrame().insight).toBe(true);

    sut.explain(2);
    sut.explain(4); // the guess itself
    expect(sut.request.value).toBe(true);
  });

  it('shows the insight of the digit described as bytes, and keeps it until the next one arrives', async () => {
    const { sut, socket, draw, drawing, lastFrame, reading } = setup({ open: true });
    await draw();
    socket.serverSends('prediction', numberAnswer(lastFrame().seq, '42', { insight: true }));

    expect(sut.insight.value?.digit).toBe(4);
    expect(sut.insight.value?.input.data).toBeInstanceOf(Uint8Array);
    expect(sut.insight.value?.layers[0].data[0]).toBe(10);
    expect(sut.overlayPlanes.value.map((insight) => insight.digit)).toEqual([4, 2]);

    reading.select(1);
    expect(sut.insight.value?.digit).toBe(2);
    expect(sut.isStale.value).toBe(false);

    drawing.clear(); // the answer goes; the pictures stay, marked stale, until the next insight
    expect(sut.insight.value?.digit).toBe(2);
    expect(sut.isStale.value).toBe(true);
  });

  it('shows nothing and lays nothing over the drawing once closed', async () => {
    const { sut, socket, draw, lastFrame, isOpen } = setup({ open: true });
    await draw();
    socket.serverSends('prediction', numberAnswer(lastFrame().seq, '5', { insight: true }));

    isOpen.value = false;

    expect(sut.insight.value).toBeNull();
    expect(sut.overlayPlanes.value).toEqual([]);
  });
});
