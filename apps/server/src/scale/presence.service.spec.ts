import { PRESENCE_EXPIRY_MS, PRESENCE_GOSSIP, PRESENCE_HEARTBEAT_MS, PresenceService } from './presence.service';
import type { RecognitionServer, SocketScaleOut } from './socket-scale-out';

/** Just enough of a Socket.IO server: local sockets, server-side events out and in, local emits. */
class FakeIo {
  sockets = 0;
  readonly shared: unknown[] = [];
  readonly toClients: unknown[] = [];
  private gossipListener: ((gossip: unknown) => void) | undefined;

  on(event: string, listener: (gossip: unknown) => void) {
    if (event === PRESENCE_GOSSIP) this.gossipListener = listener;
  }
  of() {
    return { sockets: { size: this.sockets } };
  }
  serverSideEmit(_event: string, payload: unknown) {
    this.shared.push(payload);
  }
  get local() {
    return { emit: (_event: string, payload: unknown) => this.toClients.push(payload) };
  }
  hear(gossip: unknown) {
    this.gossipListener?.(gossip);
  }
  asServer() {
    return this as unknown as RecognitionServer;
  }
}

function build(crossesProcesses = true) {
  const io = new FakeIo();
  const scaleOut = { nodeId: 'me', crossesProcesses } as SocketScaleOut;
  const sut = new PresenceService(scaleOut, null);
  sut.attach(io.asServer(), 3_600_000); // ticks driven by the test
  return { sut, io };
}

describe(PresenceService.name, () => {
  it('adds what the other processes said to its own count and tells its clients when the total changes', () => {
    const { sut, io } = build();
    io.sockets = 2;
    sut.tick(1000);
    expect(io.shared).toEqual([{ node: 'me', count: 2 }]);
    expect(io.toClients).toEqual([{ drawing: 2 }]);

    io.hear({ node: 'other', count: 3 });
    sut.tick(2000);
    sut.tick(3000); // nothing changed: nothing sent
    expect(io.toClients).toEqual([{ drawing: 2 }, { drawing: 5 }]);
    expect(io.shared).toHaveLength(1);
  });

  it('repeats its count as a heartbeat, and forgets a process not heard from for a while', () => {
    const { sut, io } = build();
    io.sockets = 1;
    sut.tick(0);
    io.hear({ node: 'other', count: 4 });
    sut.tick(PRESENCE_HEARTBEAT_MS);
    expect(io.shared).toHaveLength(2);
    expect(sut.current).toEqual({ drawing: 5 });

    sut.tick(Date.now() + PRESENCE_EXPIRY_MS + 1);
    expect(sut.current).toEqual({ drawing: 1 });
    expect(io.toClients.at(-1)).toEqual({ drawing: 1 });
  });

  it('counts only its own sockets, and shares nothing, when nothing links it to other processes', () => {
    const { sut, io } = build(false);
    io.sockets = 3;
    sut.tick(0);
    expect(io.shared).toEqual([]);
    expect(io.toClients).toEqual([{ drawing: 3 }]);
  });

  it('ignores malformed gossip and its own echo; a count of 0 means that process left', () => {
    const { sut, io } = build();
    io.hear({ node: 'me', count: 9 });
    io.hear({ node: 'x', count: -1 });
    io.hear({ node: 7, count: 1 });
    io.hear({ node: 'y', count: 2 });
    expect(sut.current).toEqual({ drawing: 2 });
    io.hear({ node: 'y', count: 0 });
    expect(sut.current).toEqual({ drawing: 0 });
  });
});
