import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentCids } from '../src/recent-cids.ts';

describe('RecentCids', () => {
  it('reports each CID once within the window and forgets the oldest beyond it', () => {
    const recent = new RecentCids(2);
    assert.equal(recent.add('a'), true);
    assert.equal(recent.add('a'), false);
    assert.equal(recent.add('b'), true);
    assert.equal(recent.add('c'), true); // evicts a
    assert.equal(recent.add('b'), false);
    assert.equal(recent.add('a'), true);
  });
});
