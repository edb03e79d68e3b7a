import { FakeSocket } from '../testing/fake-socket';
import { FAILURES_BEFORE_OFFLINE, useConnection } from './useConnection';

describe(useConnection.name, () => {
  it('is connecting until the first connection, then live', () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());
    expect(sut.status.value).toBe('connecting');

    socket.connectionOpens();

    expect(sut.status.value).toBe('live');
  });

  it('is reconnecting after losing the connection, and live again when it returns', () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());
    socket.connectionOpens();

    socket.connectionDrops('transport close');
    expect(sut.status.value).toBe('reconnecting');
    socket.connectAttemptFails();
    expect(sut.status.value).toBe('reconnecting');
    socket.connectionOpens();

    expect(sut.status.value).toBe('live');
  });

  it(`says offline after ${FAILURES_BEFORE_OFFLINE} failed attempts in a row, and live once one succeeds`, () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());
    socket.connectionOpens();
    socket.connectionDrops();

    for (let i = 0; i < FAILURES_BEFORE_OFFLINE; i++) socket.connectAttemptFails();
    expect(sut.status.value).toBe('offline');
    socket.connectionOpens();
    expect(sut.status.value).toBe('live');

    socket.connectionDrops();
    socket.connectAttemptFails();
    expect(sut.status.value).toBe('reconnecting');
  });

  it('reconnects by itself when the server closed the socket (socket.io-client would not)', () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());
    socket.connectionOpens();

    socket.connectionDrops('io server disconnect');

    expect(sut.status.value).toBe('reconnecting');
    expect(socket.connectCalls).toBe(1);
  });

  it('is offline when the page disconnects or socket.io gives up', () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());
    socket.connectionOpens();
    socket.connectionDrops('io client disconnect');
    expect(sut.status.value).toBe('offline');

    const other = new FakeSocket();
    const giveUp = useConnection(other.asSocket());
    other.reconnectionGivesUp();
    expect(giveUp.status.value).toBe('offline');
  });

  it('shows which model the server is serving', () => {
    const socket = new FakeSocket();
    const sut = useConnection(socket.asSocket());

    socket.serverSends('model', { modelId: 'digit-net-7', testAccuracy: 0.992 });

    expect(sut.model.value).toEqual({ modelId: 'digit-net-7', testAccuracy: 0.992 });
  });
});
