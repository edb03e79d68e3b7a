import * as socketIoParser from 'socket.io-parser';
import { MAX_BINARY_ATTACHMENTS, RECOGNITION_PARSER } from './socket-parser';

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
