/** CloseStack: last opened, first closed; a failing part is logged and the rest still close; once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@anchorpost/service-kit';
import { CloseStack } from '../src/close-stack.ts';

describe('CloseStack', () => {
  it('closes in reverse order, past a failing part, and only once', async () => {
    const lines: string[] = [];
    const stack = new CloseStack(
      createLogger('test', { destination: { write: (line) => lines.push(line) } }),
    );
    const closed: string[] = [];
    stack.push('database', () => {
      closed.push('database');
      return Promise.resolve();
    });
    stack.push('bus', () => Promise.reject(new Error('bus stuck')));
    stack.push('storage', () => {
      closed.push('storage');
      return Promise.resolve();
    });
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    assert.deepEqual(closed, ['storage', 'database']);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /"part":"bus".*failed to close cleanly/);
  });
});
