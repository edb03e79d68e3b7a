import type { PredictionPayload } from '@live-digits/shared';
import { FakeSocket } from '../testing/fake-socket';
import { inScope } from '../testing/scope';
import { useDrawing } from './useDrawing';
import { useFeedback } from './useFeedback';
import { useRecognizer } from './useRecognizer';

const PNG = new Uint8Array([137, 80, 78, 71]).buffer;

function prediction(seq: number, digit: number): PredictionPayload {
  const probabilities = Array.from({ length: 10 }, (_, d) => (d === digit ? 0.9 : 0.1 / 9));
  return {
    seq,
    empty: false,
    digit,
    confidence: 0.9,
    probabilities,
    number: { text: String(digit), digits: [{ digit, confidence: 0.9, probabilities, box: [100, 100, 200, 200] }] },
    timings: { queueMs: 0, preprocessMs: 1, inferenceMs: 1, totalMs: 2 },
    modelId: 'm',
  };
}

/** A drawing of one stroke, finished; `answer(digit)` plays the server's final prediction. */
async function drawn() {
  const socket = new FakeSocket();
  socket.connectionOpens();
  const drawing = useDrawing();
  const encode = async () => PNG;
  const { result } = inScope(() => {
    const recognizer = useRecognizer({ socket: socket.asSocket(), drawing, encode });
    return { recognizer, sut: useFeedback({ socket: socket.asSocket(), drawing, recognizer, encode }) };
  });
  drawing.begin(1, { x: 10, y: 10 });
  drawing.extend(1, [{ x: 10, y: 200 }]);
  drawing.end(1);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const answer = (digit: number) => socket.serverSends('prediction', prediction(socket.frames.at(-1)!.seq, digit));
  return { socket, drawing, answer, ...result };
}

async function setup(digit = 1) {
  const setup = await drawn();
  setup.answer(digit);
  return setup;
}

describe(useFeedback.name, () => {
  it('is offered once the finished drawing has a guess', async () => {
    const { sut, answer } = await drawn();
    expect(sut.isOffered.value).toBe(false);
    expect(sut.canSend.value).toBe(false);

    answer(1);

    expect(sut.isOffered.value).toBe(true);
    expect(sut.canSend.value).toBe(true);
  });

  it('sends the drawing with the right label and the guess, and confirms the ack', async () => {
    const { sut, socket } = await setup(1);

    await sut.send(7);

    expect(socket.feedback).toEqual([{ image: PNG, label: 7, predicted: 1 }]);
    expect(sut.state.value).toBe('sent');
    expect(sut.sentLabel.value).toBe(7);
    expect(sut.message.value).toMatch(/saved as a 7/i);
    expect(sut.canSend.value).toBe(false);
  });

  it("shows the server's reason when it refuses", async () => {
    const { sut, socket } = await setup();
    socket.answerFeedback = async () => ({ ok: false, code: 'RATE_LIMITED', message: 'Too much feedback; try again in a minute.' });

    await sut.send(4);

    expect(sut.state.value).toBe('failed');
    expect(sut.message.value).toBe('Too much feedback; try again in a minute.');
    expect(sut.canSend.value).toBe(true);
  });

  it('says so when the ack never comes', async () => {
    const { sut, socket } = await setup();
    socket.answerFeedback = () => Promise.reject(new Error('operation has timed out'));

    await sut.send(4);

    expect(sut.state.value).toBe('failed');
    expect(sut.message.value).toMatch(/did not answer/);
  });

  it('starts over when the drawing changes', async () => {
    const { sut, drawing } = await setup();
    await sut.send(7);

    drawing.undo();

    expect(sut.state.value).toBe('idle');
    expect(sut.message.value).toBe('');
    expect(sut.isOffered.value).toBe(false);
  });
});
