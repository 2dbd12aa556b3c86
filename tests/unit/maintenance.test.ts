/** The embedded platform's maintenance pause (infra/local/maintenance.ts): what a backup relies on for a snapshot. */
import { describe, expect, it } from 'vitest';
import { RequestGate } from '../../infra/local/maintenance.js';

describe('the request gate', () => {
  it('refuses new requests once paused, and the pause waits for those in flight and for background jobs', async () => {
    const gate = new RequestGate();
    const order: string[] = [];
    expect(gate.enter()).toBe(true);
    let finishJob!: () => void;
    const job = new Promise<void>((done) => (finishJob = done));

    const pausing = gate.pause(30, async () => {
      order.push('waiting for jobs');
      await job;
      order.push('jobs done');
    });
    const refusedWhilePausing = gate.enter();
    order.push('request left');
    gate.leave();
    await Promise.resolve();
    finishJob();
    await pausing;
    order.push('paused');

    expect(refusedWhilePausing).toBe(false);
    expect(order).toEqual(['request left', 'waiting for jobs', 'jobs done', 'paused']);
    expect(gate.enter()).toBe(false);
    gate.resume();
    expect(gate.enter()).toBe(true);
  });

  it('ends a pause by itself when its lease runs out, so a backup that died never leaves Pont paused', async () => {
    const gate = new RequestGate();
    await gate.pause(1, async () => undefined);
    expect(gate.paused()).toBe(true);
    await new Promise((done) => setTimeout(done, 1100));
    expect(gate.paused()).toBe(false);
    expect(gate.enter()).toBe(true);
  });
});
