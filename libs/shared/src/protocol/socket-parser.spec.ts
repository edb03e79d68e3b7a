import * as socketIoParser from 'socket.io-parser';
import { MAX_BINARY_ATTACHMENTS, RECOGNITION_PARSER, RECOGNITION_SERVER_PARSER } from './socket-parser';

/** A prediction-like event with `parts` binary planes, encoded as the server's Socket.IO sends it. */
function encodedEvent(parts: number) {
  const planes = Array.from({ length: parts }, (_, i) => new Uint8Array([i]));
  return new RECOGNITION_PARSER.Encoder().encode({ type: socketIoParser.PacketType.EVENT, nsp: '/', data: ['prediction', { planes }] });
}

function decode(decoder: socketIoParser.Decoder, packets: ReturnType<typeof encodedEvent>) {
  const decoded: unknown[] = [];
  decoder.on('decoded', (packet: socketIoParser.Packet) => void decoded.push(packet.data));
  for (const packet of packets) decoder.add(packet);
  return decoded;
}

describe('RECOGNITION_PARSER', () => {
  it('decodes a prediction with far more binary parts than Socket.IO allows by default', () => {
    const [[event, payload]] = decode(new RECOGNITION_PARSER.Decoder(), encodedEvent(80)) as [string, { planes: Uint8Array[] }][];

    expect(event).toBe('prediction');
    expect(payload.planes).toHaveLength(80);
    expect(Array.from(payload.planes[79])).toEqual([79]);
    expect(MAX_BINARY_ATTACHMENTS).toBeGreaterThanOrEqual(80);
  });

  it('is needed: the default decoder refuses such an event', () => {
    expect(() => decode(new socketIoParser.Decoder(), encodedEvent(11))).toThrow(/too many attachments/);
  });
});

describe('RECOGNITION_SERVER_PARSER', () => {
  const plane = (value: number) => new Uint8Array([value, value + 1]);
  /** A prediction whose top-level insight is its first digit's, object for object, as the server builds it. */
  function prediction() {
    const first = { digit: 4, input: { data: plane(1) }, saliency: { data: plane(2) }, layers: [{ name: 'conv "a"', data: plane(3) }] };
    const second = { digit: 2, input: { data: plane(5) }, saliency: { data: plane(6) }, layers: [{ name: 'conv', data: plane(7) }] };
    return { insight: first, number: { text: '42', digits: [{ insight: first }, { insight: second }] } };
  }
  const packet = () => ({ type: socketIoParser.PacketType.EVENT, nsp: '/', id: 7, data: ['prediction', prediction()] });

  it('sends a plane held twice once', () => {
    const [head, ...attachments] = new RECOGNITION_SERVER_PARSER.Encoder().encode(packet());
    const [, ...standard] = new socketIoParser.Encoder().encode(packet());

    expect(standard).toHaveLength(9);
    expect(attachments).toHaveLength(6);
    expect(head).toMatch(/^56-7\[/);
  });

  it.each([
    ['the recognition client', () => new RECOGNITION_PARSER.Decoder()],
    ['a default Socket.IO client', () => new socketIoParser.Decoder()],
  ])('is read whole by %s', (_, decoder) => {
    const [[event, payload]] = decode(decoder(), new RECOGNITION_SERVER_PARSER.Encoder().encode(packet())) as [
      string,
      ReturnType<typeof prediction>,
    ][];

    expect(event).toBe('prediction');
    const bytes = (insight: ReturnType<typeof prediction>['insight']) =>
      [insight.input, insight.saliency, ...insight.layers].map(({ data }) => Array.from(data));
    expect(bytes(payload.insight)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(bytes(payload.number.digits[0].insight)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(bytes(payload.number.digits[1].insight)).toEqual([
      [5, 6],
      [6, 7],
      [7, 8],
    ]);
    expect(payload.number.digits[0].insight.layers[0].name).toBe('conv "a"');
  });

  it('leaves a packet without repeated planes as the standard encoder writes it', () => {
    const data = ['prediction', { planes: [plane(1), plane(2)] }];
    const standard = new socketIoParser.Encoder().encode({ type: socketIoParser.PacketType.EVENT, nsp: '/', data });
    expect(new RECOGNITION_SERVER_PARSER.Encoder().encode({ type: socketIoParser.PacketType.EVENT, nsp: '/', data })).toEqual(standard);
  });
});
