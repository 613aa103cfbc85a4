// A service's second database is closed after the service (once, even when the service's close
// throws), and at once when the start fails; with no URL the start gets none and nothing is opened.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startOwning, startWithSideDatabase } from '../src/side-database.ts';

function owned(events: string[]) {
  return {
    close: () => {
      events.push('owned closed');
      return Promise.resolve();
    },
  };
}

function recordingService(events: string[], closeFails = false) {
  return {
    name: 'test',
    urls: {},
    close: () => {
      events.push('service closed');
      return closeFails ? Promise.reject(new Error('service close failed')) : Promise.resolve();
    },
  };
}

describe('startOwning', () => {
  it('closes what it owns after the service, once', async () => {
    const events: string[] = [];
    const service = await startOwning(owned(events), () => Promise.resolve(recordingService(events)));
    await Promise.all([service.close(), service.close()]);
    await service.close();
    assert.deepEqual(events, ['service closed', 'owned closed']);
  });

  it('closes what it owns even when the service fails to close', async () => {
    const events: string[] = [];
    const service = await startOwning(owned(events), () => Promise.resolve(recordingService(events, true)));
    await assert.rejects(service.close(), /service close failed/);
    assert.deepEqual(events, ['service closed', 'owned closed']);
  });

  it('closes what it owns at once when the start fails, and passes the failure on', async () => {
    const events: string[] = [];
    await assert.rejects(
      startOwning(owned(events), () => Promise.reject(new Error('port taken'))),
      /port taken/,
    );
    assert.deepEqual(events, ['owned closed']);
  });
});

describe('startWithSideDatabase', () => {
  it('without a URL, opens nothing and hands the start no database', async () => {
    const events: string[] = [];
    let handed: unknown = 'not called';
    const service = await startWithSideDatabase(undefined, (side) => {
      handed = side;
      return Promise.resolve(recordingService(events));
    });
    assert.equal(handed, undefined);
    await service.close();
    assert.deepEqual(events, ['service closed']);
  });
});
