import type { Socket } from 'socket.io';
import type { AppConfig } from '../config/app.config';
import type { MetricsService } from '../metrics/metrics.service';
import { floodAllowance, SocketAdmission } from './socket-admission';

type Middleware = (packet: unknown[], next: () => void) => void;

/** A socket that records what the admission does to it, and a clock the test moves. */
function harness(rateLimitFps = 10, floodCooldownSeconds = 10) {
  let now = 0;
  let middleware: Middleware = () => undefined;
  const socket: {
    id: string;
    connected: boolean;
    handshake: { address: string; headers: Record<string, string> };
    use(fn: Middleware): void;
    emit: jest.Mock;
    disconnect: jest.Mock;
  } = {
    id: 'socket-1',
    connected: true,
    handshake: { address: '::ffff:10.0.0.7', headers: {} },
    use: (fn: Middleware) => {
      middleware = fn;
    },
    emit: jest.fn(),
    disconnect: jest.fn((): void => {
      socket.connected = false;
    }),
  };
  const metrics = { errors: { inc: jest.fn() } } as unknown as MetricsService;
  const sut = new SocketAdmission({ rateLimitFps, floodCooldownSeconds, trustProxyHops: 0 } as AppConfig, metrics);
  sut.attach(socket as unknown as Socket, () => now);
  const send = (packet: unknown[]) => {
    const next = jest.fn();
    middleware(packet, next);
    return next.mock.calls.length === 1;
  };
  return { sut, socket, send, now: () => now, advance: (ms: number) => (now += ms) };
}

describe(SocketAdmission.name, () => {
  it('lets frames through at the rate, refuses the excess with RATE_LIMITED and never disconnects a steady 2× sender', () => {
    const { socket, send, advance } = harness(10);
    let passed = 0;
    // 20 frames/s for 60 s of the injected clock: one burst's worth, then half of them.
    for (let i = 0; i < 1200; i++) {
      if (send(['frame', { seq: i, image: 'x' }])) passed++;
      advance(50);
    }
    expect(passed).toBeGreaterThanOrEqual(10 + 600 - 2);
    expect(passed).toBeLessThanOrEqual(10 + 600 + 2);
    expect(socket.disconnect).not.toHaveBeenCalled();
    expect(socket.emit).toHaveBeenCalledWith('frame:error', expect.objectContaining({ code: 'RATE_LIMITED' }));
  });

  it('disconnects a flood after its allowance of refusals (FLOOD_SECONDS × the rate, at least MIN_FLOOD_REFUSALS), saying so first', () => {
    const { socket, send } = harness(10);
    for (let seq = 1; seq <= 1000 && socket.connected; seq++) send(['frame', { seq, image: 'x' }]);
    expect(socket.disconnect).toHaveBeenCalledWith(true);
    expect(socket.emit).toHaveBeenCalledTimes(floodAllowance(10) + 1);
    expect(socket.emit).toHaveBeenLastCalledWith('frame:error', {
      seq: 10 + floodAllowance(10) + 1,
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/disconnected/),
    });
  });

  it('keeps the address of a flooder it disconnected from connecting again for FLOOD_COOLDOWN_SECONDS, and no other', () => {
    const { sut, socket, send, now, advance } = harness(10, 10);
    expect(sut.cooldownLeft('10.0.0.7', now())).toBe(0);
    for (let seq = 1; seq <= 1000 && socket.connected; seq++) send(['frame', { seq, image: 'x' }]);

    expect(socket.emit).toHaveBeenLastCalledWith(
      'frame:error',
      expect.objectContaining({ message: expect.stringMatching(/refused for 10 s/) }),
    );
    expect(sut.cooldownLeft('10.0.0.7', now())).toBe(10_000);
    expect(sut.cooldownLeft('10.0.0.8', now())).toBe(0);
    advance(9_000);
    expect(sut.cooldownLeft('10.0.0.7', now())).toBe(1_000);
    advance(1_000);
    expect(sut.cooldownLeft('10.0.0.7', now())).toBe(0);
  });

  it('lets a flooder reconnect at once with FLOOD_COOLDOWN_SECONDS=0', () => {
    const { sut, socket, send, now } = harness(10, 0);
    for (let seq = 1; seq <= 1000 && socket.connected; seq++) send(['frame', { seq, image: 'x' }]);
    expect(socket.disconnect).toHaveBeenCalledWith(true);
    expect(sut.cooldownLeft('10.0.0.7', now())).toBe(0);
  });

  it('refuses a frame over the rate before anything reads its payload', () => {
    const { socket, send } = harness(10);
    for (let seq = 1; seq <= 10; seq++) expect(send(['frame', { seq, image: 'x' }])).toBe(true);
    const read = jest.fn();
    // Any walk over the payload's fields (the shape check, validation) lists its keys.
    const payload = new Proxy({ seq: 11, image: 'x' }, { ownKeys: (target) => (read(), Reflect.ownKeys(target)) });
    expect(send(['frame', payload])).toBe(false);
    expect(socket.emit).toHaveBeenLastCalledWith('frame:error', expect.objectContaining({ seq: 11, code: 'RATE_LIMITED' }));
    expect(read).not.toHaveBeenCalled();
  });

  it('refuses an oversized or deeply nested payload unread, in the event’s own shape', () => {
    const { socket, send } = harness();
    const wide: Record<string, number> = { seq: 3 };
    for (let i = 0; i < 1000; i++) wide[`k${i}`] = i;
    expect(send(['frame', wide])).toBe(false);
    expect(socket.emit).toHaveBeenLastCalledWith('frame:error', {
      seq: 3,
      code: 'INVALID_PAYLOAD',
      message: expect.stringMatching(/more than 32 fields/),
    });

    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const ack = jest.fn();
    expect(send(['feedback', { image: 'x', label: 1, deep }, ack])).toBe(false);
    expect(ack).toHaveBeenCalledWith({ ok: false, code: 'INVALID_PAYLOAD', message: expect.stringMatching(/nested more than \d+ levels/) });

    const frameAck = jest.fn();
    expect(send(['frame', { seq: 4, image: 'x', deep }, frameAck])).toBe(false);
    expect(frameAck).toHaveBeenCalledWith({ ok: false, error: expect.objectContaining({ seq: 4, code: 'INVALID_PAYLOAD' }) });
  });

  it('passes the contract’s payloads, binary images and acks included', () => {
    const { send } = harness();
    expect(send(['frame', { seq: 1, image: Buffer.alloc(100_000), final: true, preview: false }])).toBe(true);
    expect(send(['frame', { seq: 2, image: new ArrayBuffer(10) }, () => undefined])).toBe(true);
    expect(send(['feedback', { image: 'data:image/png;base64,AAAA', label: 1, predicted: 7 }, () => undefined])).toBe(true);
  });
});
