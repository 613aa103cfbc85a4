import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGroup, generateIdentity, GENESIS_STATE, parseTxFile } from '../src/index.ts';
import { StateChains } from '../src/testing/index.ts';

describe('StateChains', () => {
  it("chains each client's files per group, from GENESIS_STATE", async () => {
    const [sender, app, other] = await Promise.all([
      generateIdentity('modern'),
      generateIdentity('modern'),
      generateIdentity('modern'),
    ]);
    const [{ keys: group }, { keys: otherGroup }] = await Promise.all([
      createGroup('modern', [sender.public]),
      createGroup('modern', [sender.public]),
    ]);
    const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
    const chains = new StateChains();
    const file = (to = group, client = app) =>
      chains.build({
        group: to,
        senders: [sender],
        client,
        blockchain: { lastblock: block(10, 'a'), trustedblock: block(1, 'b') },
        message: { data: new TextEncoder().encode('hi') },
      });
    const first = file();
    const second = file();
    assert.equal(first.state.before, GENESIS_STATE);
    assert.equal(second.state.before, first.state.after);
    assert.equal(file().state.before, second.state.after);
    assert.equal(file(otherGroup).state.before, GENESIS_STATE, 'another group: its own chain');
    assert.equal(file(group, other).state.before, GENESIS_STATE, 'another client: its own chain');
    const bytes = chains.buildBytes({
      group: otherGroup,
      senders: [sender],
      client: app,
      blockchain: { lastblock: block(10, 'a'), trustedblock: block(1, 'b') },
      message: { data: new TextEncoder().encode('again') },
    });
    assert.notEqual(parseTxFile(bytes).state.before, GENESIS_STATE);
  });
});
