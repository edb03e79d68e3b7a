import { FakeSocket } from '../testing/fake-socket';
import { usePresence } from './usePresence';

describe(usePresence.name, () => {
  it('is unknown until the server says, then follows what it says', () => {
    const socket = new FakeSocket();
    const sut = usePresence(socket.asSocket());
    expect(sut.drawing.value).toBeNull();

    socket.connectionOpens();
    socket.serverSends('presence', { drawing: 3 });
    expect(sut.drawing.value).toBe(3);

    socket.serverSends('presence', { drawing: 2 });
    expect(sut.drawing.value).toBe(2);
  });

  it('is unknown again while disconnected: the count it had may no longer be true', () => {
    const socket = new FakeSocket();
    const sut = usePresence(socket.asSocket());
    socket.connectionOpens();
    socket.serverSends('presence', { drawing: 5 });

    socket.connectionDrops();

    expect(sut.drawing.value).toBeNull();
  });
});
