import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TreeNodeCache } from '../src/tree-node-cache.ts';

it('keeps at most its capacity, dropping the least recently used node', () => {
  const cache = new TreeNodeCache(2);
  cache.set('b', 4, 0, 'h0');
  cache.set('b', 4, 1, 'h1');
  assert.equal(cache.get('b', 4, 0), 'h0'); // now the most recent
  cache.set('b', 5, 0, 'h2');
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b', 4, 1), undefined);
  assert.equal(cache.get('b', 4, 0), 'h0');
  assert.equal(cache.get('b', 5, 0), 'h2');
  assert.equal(cache.get('other', 4, 0), undefined);
});

it('keeps nothing with capacity 0 and refuses a negative one', () => {
  const cache = new TreeNodeCache(0);
  cache.set('b', 4, 0, 'h0');
  assert.equal(cache.size, 0);
  assert.throws(() => new TreeNodeCache(-1), RangeError);
});
