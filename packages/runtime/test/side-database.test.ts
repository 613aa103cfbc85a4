// A service's second database is closed after the service (once, even when the service's close
// throws), and at once when the start fails; with no URL the start gets none and nothing is opened.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startOwning, startWithSideDatabase } from '../src/side-database.ts';

function recordingService(events: string[], closeFails = false) {
  return {
    name: 'test',
    urls: {},
    close: async () => {
      events.push('service closed');
      if (closeFails) throw new Error('service close failed');
    },
  };
}

describe('startOwning', () => {
  it('closes what it owns after the service, once', async () => {
    const events: string[] = [];
    const service = await startOwning({ close: async () => void events.push('owned closed') }, async () =>
      recordingService(events),
    );
    await Promise.all([service.close(), service.close()]);
    await service.close();
    assert.deepEqual(events, ['service closed', 'owned closed']);
  });

  it('closes what it owns even when the service fails to close', async () => {
    const events: string[] = [];
    const service = await startOwning({ close: async () => void events.push('owned closed') }, async () =>
      recordingService(events, true),
    );
    await assert.rejects(service.close(), /service close failed/);
    assert.deepEqual(events, ['service closed', 'owned closed']);
  });

  it('closes what it owns at once when the start fails, and passes the failure on', async () => {
    const events: string[] = [];
    await assert.rejects(
      startOwning({ close: async () => void events.push('owned closed') }, () =>
        Promise.reject(new Error('port taken')),
      ),
      /port taken/,
    );
    assert.deepEqual(events, ['owned closed']);
  });
});

describe('startWithSideDatabase', () => {
  it('without a URL, opens nothing and hands the start no database', async () => {
    const events: string[] = [];
    let handed: unknown = 'not called';
    const service = await startWithSideDatabase(undefined, async (side) => {
      handed = side;
      return recordingService(events);
    });
    assert.equal(handed, undefined);
    await service.close();
    assert.deepEqual(events, ['service closed']);
  });
});
