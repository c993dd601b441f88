import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle } from '../../src/extension/throttle';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('throttle', () => {
  it('delivers a burst in one flush and at most one flush per interval', async () => {
    const flushes: number[][] = [];
    const t = new Throttle<number>(50, (items) => flushes.push(items));
    for (let i = 0; i < 100; i++) t.push(i);
    await sleep(20);
    assert.equal(flushes.length, 1);
    assert.equal(flushes[0].length, 100);
    t.push(100);
    await sleep(10);
    assert.equal(flushes.length, 1, 'second flush waits for the interval');
    await sleep(60);
    assert.deepEqual(flushes[1], [100]);
    t.dispose();
  });

  it('flushNow sends at once; dispose drops what is pending', async () => {
    const flushes: string[][] = [];
    const t = new Throttle<string>(1000, (items) => flushes.push(items));
    t.push('a');
    await sleep(5);
    t.push('b');
    t.flushNow();
    assert.deepEqual(flushes.flat(), ['a', 'b']);
    t.push('c');
    t.dispose();
    await sleep(20);
    assert.deepEqual(flushes.flat(), ['a', 'b']);
  });
});
