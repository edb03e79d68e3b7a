/**
 * The Socket.IO packet parser a client of the recognition contract needs: the standard one, with a
 * decoder that accepts as many binary attachments as a prediction with insight carries.
 *
 * socket.io-parser refuses a packet with more than 10 binary attachments by default (a guard
 * against a peer making it buffer endless pieces) and closes the connection with "parse error".
 * Every plane of an insight is one attachment: the input, the saliency and one per layer (10 a
 * digit for digit-net), for the top-level insight and again for each digit of the number. The
 * server decodes with the default (clients send one attachment at most, the image); a client that
 * asks for insight connects with `io(url, { parser: RECOGNITION_PARSER })`.
 */
import { Decoder, Encoder } from 'socket.io-parser';
import { MAX_DIGITS } from './recognition.events';

/** A bound on the planes of one digit's insight: input, saliency and up to 30 layers. */
export const MAX_INSIGHT_PLANES = 32;

/** The top-level insight plus one per digit, every plane an attachment. */
export const MAX_BINARY_ATTACHMENTS = (MAX_DIGITS + 1) * MAX_INSIGHT_PLANES;

class RecognitionDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: MAX_BINARY_ATTACHMENTS });
  }
}

export const RECOGNITION_PARSER = { Encoder, Decoder: RecognitionDecoder };
