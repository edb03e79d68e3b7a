/**
 * A stand-in for socket.io-client's Socket in composable specs: records what the page emits, lets
 * the spec play the server's events and the connection's ups and downs. No network, no DOM.
 */
import type { FeedbackAck, FeedbackPayload, FramePayload, ServerToClientEvents } from '@live-digits/shared';
import type { RecognitionSocket } from '../lib/socket';

type Listener = (...args: unknown[]) => void;

export class FakeSocket {
  connected = false;
  active = true;
  connectCalls = 0;
  readonly frames: FramePayload[] = [];
  readonly feedback: FeedbackPayload[] = [];
  /** How the fake server answers `feedback`; a rejection plays a timeout. */
  answerFeedback: (payload: FeedbackPayload) => Promise<FeedbackAck> = async () => ({ ok: true, id: 'fb-1' });

  private readonly listeners = new Map<string, Listener[]>();
  private readonly managerListeners = new Map<string, Listener[]>();

  readonly io = {
    on: (event: string, listener: Listener) => {
      this.managerListeners.set(event, [...(this.managerListeners.get(event) ?? []), listener]);
      return this.io;
    },
  };

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string, payload: unknown): this {
    if (event === 'frame') this.frames.push(payload as FramePayload);
    return this;
  }

  connect(): this {
    this.connectCalls += 1;
    return this;
  }

  timeout(_ms: number) {
    return {
      emitWithAck: (event: string, payload: FeedbackPayload) => {
        if (event === 'feedback') this.feedback.push(payload);
        return this.answerFeedback(payload);
      },
    };
  }

  /** The composables' view: the real Socket type. */
  asSocket(): RecognitionSocket {
    return this as unknown as RecognitionSocket;
  }

  // The server's side and the network's.

  serverSends<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    this.fire(this.listeners, event, payload);
  }

  connectionOpens(): void {
    this.connected = true;
    this.fire(this.listeners, 'connect');
  }

  connectionDrops(reason = 'transport close'): void {
    this.connected = false;
    if (reason === 'io client disconnect' || reason === 'io server disconnect') this.active = false;
    this.fire(this.listeners, 'disconnect', reason);
  }

  connectAttemptFails(): void {
    this.fire(this.listeners, 'connect_error', new Error('xhr poll error'));
  }

  reconnectionGivesUp(): void {
    this.active = false;
    this.fire(this.managerListeners, 'reconnect_failed');
  }

  private fire(listeners: Map<string, Listener[]>, event: string, ...args: unknown[]): void {
    for (const listener of listeners.get(event) ?? []) listener(...args);
  }
}
