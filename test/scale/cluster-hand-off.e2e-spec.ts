/**
 * `CLUSTER_WORKERS=2`: a connection's bytes that arrive after the primary has handed its socket to a
 * worker reach the worker. Node keeps the primary's copy of a handed-off socket open, and reading,
 * until the worker's acknowledgement comes back over IPC; what it reads there is thrown away. In
 * real use the window is a millisecond or two, and the bytes that fall in it are a WebSocket client's
 * first frame (Socket.IO's CONNECT, sent as soon as the handshake is answered): that client waits
 * for ever. Here both workers are stopped (SIGSTOP) so the window stays open, and a raw WebSocket
 * client sends its CONNECT inside it, straight after the upgrade request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SOCKET_PATH } from '@live-digits/shared';
import { saveThrowawayModel } from '../server/support/model-fixtures';
import { sleep } from '../server/support/test-server';
import { eventually, health, roster } from './support/clients';
import { serverUrl, startServerProcess, stopAll } from './support/processes';

/** A client-to-server WebSocket text frame (clients must mask theirs). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((byte, i) => byte ^ mask[i % 4])]);
}

describe('CLUSTER_WORKERS=2, a socket handed to a worker', () => {
  let root: string;
  let url: URL;
  let workerPids: number[];
  let socket: Socket | undefined;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'e2e-hand-off-'));
    await saveThrowawayModel(path.join(root, 'model'), 1, 'hand-off');
    const primary = startServerProcess({
      CLUSTER_WORKERS: '2',
      PORT: '0',
      MODEL_DIR: path.join(root, 'model'),
      MODEL_WATCH_MS: '0',
      CLIENT_DIR: path.join(root, 'no-client'),
    });
    url = new URL(await serverUrl(primary));
    workerPids = roster(await health(url.origin)).workers.map((w) => w.pid);
  }, 360_000);
  afterAll(async () => {
    for (const pid of workerPids ?? []) process.kill(pid, 'SIGCONT');
    socket?.destroy();
    await stopAll();
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('gets the bytes the client sends while the hand-off is under way', async () => {
    for (const pid of workerPids) process.kill(pid, 'SIGSTOP');
    let received = '';
    try {
      socket = connectTcp(Number(url.port), url.hostname);
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.write(
        [
          `GET ${SOCKET_PATH}/?EIO=4&transport=websocket HTTP/1.1`,
          `Host: ${url.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
      await sleep(500); // the (idle) primary reads the request and hands the socket to a stopped worker
      socket.write(maskedTextFrame('40')); // Socket.IO's CONNECT to the main namespace
      await sleep(500); // before the fix the primary read it here, and dropped it
    } finally {
      for (const pid of workerPids) process.kill(pid, 'SIGCONT');
    }
    await eventually(
      () => received,
      (text) => text.includes('40{"sid":'),
      15_000,
      'the server accepting the CONNECT',
    );
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
  }, 60_000);
});
