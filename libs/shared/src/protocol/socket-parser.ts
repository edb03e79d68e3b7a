/**
 * The Socket.IO packet parser a client of the recognition contract needs: the standard one, with a
 * decoder that accepts as many binary attachments as a prediction with insight carries.
 *
 * socket.io-parser refuses a packet with more than 10 binary attachments by default (a guard
 * against a peer making it buffer endless pieces) and closes the connection with "parse error".
 * Every plane of an insight is one attachment: the input, the saliency and one per layer (10 a
 * digit for digit-net), for each digit of the number (the top-level insight is the first digit's,
 * sent once: {@link SharedBufferEncoder}). The server decodes with the default (clients send one
 * attachment at most, the image); a client that asks for insight connects with
 * `io(url, { parser: RECOGNITION_PARSER })`.
 */
import { Decoder, Encoder, type Packet } from 'socket.io-parser';
import { MAX_DIGITS } from './recognition.events';

/** A bound on the planes of one digit's insight: input, saliency and up to 30 layers. */
export const MAX_INSIGHT_PLANES = 32;

/** One insight per digit, every plane an attachment (and room for a top-level one sent apart). */
export const MAX_BINARY_ATTACHMENTS = (MAX_DIGITS + 1) * MAX_INSIGHT_PLANES;

class RecognitionDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: MAX_BINARY_ATTACHMENTS });
  }
}

/** A placeholder as socket.io-parser writes it into a binary packet's JSON (a string value's quotes are escaped, so only a placeholder matches). */
const PLACEHOLDER = /\{"_placeholder":true,"num":(\d+)\}/g;

/**
 * The standard encoder, except that a buffer a packet holds more than once travels once. A
 * prediction's top-level insight is its first digit's insight, the very same planes, so without
 * this every plane of a frame with insight would cross the socket twice. Each placeholder names
 * its attachment by index, so any Socket.IO decoder reads the result: socket.io-parser resolves a
 * repeated index to the same buffer.
 */
export class SharedBufferEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const [head, ...buffers] = super.encode(packet) as [string, ...unknown[]];
    const slots = new Map<unknown, number>();
    const sent: unknown[] = [];
    const slotOf = buffers.map((buffer) => {
      let slot = slots.get(buffer);
      if (slot === undefined) {
        slot = sent.push(buffer) - 1;
        slots.set(buffer, slot);
      }
      return slot;
    });
    if (sent.length === buffers.length) return [head, ...buffers];
    // The head is `<type><attachments>-[nsp,][id]<json>`: a new count, then the placeholders renumbered.
    const rewritten = head
      .replace(/^(\d)\d+-/, `$1${sent.length}-`)
      .replace(PLACEHOLDER, (_, num: string) => `{"_placeholder":true,"num":${slotOf[Number(num)]}}`);
    return [rewritten, ...sent];
  }
}

/** What a recognition client connects with: `io(url, { parser: RECOGNITION_PARSER })`. */
export const RECOGNITION_PARSER = { Encoder, Decoder: RecognitionDecoder };

/** What the server's Socket.IO runs with: predictions sent without repeated planes, clients' messages read as usual. */
export const RECOGNITION_SERVER_PARSER = { Encoder: SharedBufferEncoder, Decoder };
