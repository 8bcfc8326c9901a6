import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { OPS_STREAM } from '../../contracts/index.ts';
import { startNatsServer, type TestNatsServer } from '../../test/nats-server.ts';
import { connectNats } from '../../runtime/nats.ts';
import { simulatedEvents } from '../../test/events.ts';
import { importCommand } from './import.ts';

let nats: TestNatsServer;
beforeAll(async () => { nats = await startNatsServer(); });
afterAll(async () => { await nats?.stop(); });

describe('tower import', () => {
  test('publishes the good lines and reports each bad line with its number and reason', async () => {
    const events = simulatedEvents({ count: 50, seed: 99 });
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(10, 0, '{"id": "broken"');                                       // line 11: not JSON
    lines.splice(20, 0, JSON.stringify({ ...events[0], id: 'x-1', occurredAt: '2026-11-01T10:00:00' })); // line 21
    lines.splice(30, 0, '');                                                      // line 31: blank, skipped
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ct-import-')), 'history.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const errors: string[] = [];
    const errSpy = vi.spyOn(console, 'error').mockImplementation((m: string) => { errors.push(m); });
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const code = await importCommand.run([file, '--nats', nats.url]);
      expect(code).toBe(3);
    } finally { errSpy.mockRestore(); logSpy.mockRestore(); }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(new RegExp(`${path.basename(file)}:11: invalid JSON`));
    expect(errors[1]).toMatch(/:21: occurredAt/);
    const nc = await connectNats({ url: nats.url, name: 'check' });
    const info = await (await jetstreamManager(nc)).streams.info(OPS_STREAM);
    expect(info.state.messages).toBe(50);
    await nc.close();
  });

  test('a missing file is a usage error, not a crash', async () => {
    await expect(importCommand.run(['/nonexistent.ndjson', '--nats', nats.url])).rejects.toThrow(/cannot read/);
  });
});
