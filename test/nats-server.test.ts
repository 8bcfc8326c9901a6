import { existsSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { expect, test } from 'vitest';
import { connectNats } from '../runtime/nats.ts';
import { startNatsServer } from './nats-server.ts';

test('a throwaway nats-server survives kill + restart with its JetStream store, and stop() cleans up', async () => {
  const server = await startNatsServer();
  try {
    let nc = await connectNats({ url: server.url, name: 'helper-test' });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
    await jetstream(nc).publish('t.a', 'x');
    await nc.close();

    await server.kill();
    await server.restart();
    nc = await connectNats({ url: server.url, name: 'helper-test' });
    expect((await (await jetstreamManager(nc)).streams.info('T')).state.messages).toBe(1);
    await nc.close();
  } finally {
    await server.stop();
  }
  expect(existsSync(server.storeDir)).toBe(false);
});
