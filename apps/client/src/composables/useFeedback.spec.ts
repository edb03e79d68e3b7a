import type { PredictionPayload } from '@live-digits/shared';
import { FakeSocket } from '../testing/fake-socket';
import { inScope } from '../testing/scope';
import { useDrawing } from './useDrawing';
import { useFeedback } from './useFeedback';
import { useNumberReading } from './useNumberReading';
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

describe(`${useFeedback.name} with a number on the canvas`, () => {
  const CROP = new Uint8Array([9, 9]).buffer;

  /** "42" drawn on a wide canvas and answered; feedback is about the digit described. */
  async function numberDrawn() {
    const socket = new FakeSocket();
    socket.connectionOpens();
    const drawing = useDrawing({ width: 800, height: 400 });
    const encode = async () => PNG;
    const encodeDigit = jest.fn(async () => CROP);
    const { result } = inScope(() => {
      const recognizer = useRecognizer({ socket: socket.asSocket(), drawing, encode });
      const number = useNumberReading(recognizer.prediction);
      return { number, sut: useFeedback({ socket: socket.asSocket(), drawing, recognizer, encode, number, encodeDigit }) };
    });
    drawing.begin(1, { x: 100, y: 100 });
    drawing.extend(1, [{ x: 100, y: 300 }]);
    drawing.end(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const four = prediction(0, 4).number!.digits[0];
    const two = { ...prediction(0, 2).number!.digits[0], box: [420, 90, 150, 220] as [number, number, number, number] };
    socket.serverSends('prediction', {
      ...prediction(socket.frames.at(-1)!.seq, 4),
      number: { text: '42', digits: [four, two] },
    });
    return { socket, drawing, encodeDigit, ...result };
  }

  it("sends the picked digit's crop, cut by its box, with its own label and guess", async () => {
    const { sut, number, socket, drawing, encodeDigit } = await numberDrawn();

    number.select(1);
    await sut.send(7);

    expect(encodeDigit).toHaveBeenCalledWith(drawing.content.value, [420, 90, 150, 220]);
    expect(socket.feedback).toEqual([{ image: CROP, label: 7, predicted: 2 }]);
    expect(sut.message.value).toMatch(/saved as a 7/i);
  });

  it('describes the first digit until another is picked, and starts over when another is picked', async () => {
    const { sut, number, socket, encodeDigit } = await numberDrawn();

    await sut.send(1);
    expect(encodeDigit).toHaveBeenLastCalledWith(expect.anything(), [100, 100, 200, 200]);
    expect(socket.feedback.at(-1)).toMatchObject({ label: 1, predicted: 4 });
    expect(sut.canSend.value).toBe(false);

    number.select(1);
    await Promise.resolve();

    expect(sut.state.value).toBe('idle');
    expect(sut.canSend.value).toBe(true);
  });

  it('sends the whole drawing when it holds one digit, as before numbers', async () => {
    const { sut, socket, encodeDigit } = await setupWithNumber();

    await sut.send(3);

    expect(encodeDigit).not.toHaveBeenCalled();
    expect(socket.feedback).toEqual([{ image: PNG, label: 3, predicted: 1 }]);
  });

  async function setupWithNumber() {
    const socket = new FakeSocket();
    socket.connectionOpens();
    const drawing = useDrawing();
    const encode = async () => PNG;
    const encodeDigit = jest.fn(async () => CROP);
    const { result } = inScope(() => {
      const recognizer = useRecognizer({ socket: socket.asSocket(), drawing, encode });
      const number = useNumberReading(recognizer.prediction);
      return { sut: useFeedback({ socket: socket.asSocket(), drawing, recognizer, encode, number, encodeDigit }) };
    });
    drawing.begin(1, { x: 10, y: 10 });
    drawing.end(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    socket.serverSends('prediction', prediction(socket.frames.at(-1)!.seq, 1));
    return { socket, encodeDigit, ...result };
  }
});
