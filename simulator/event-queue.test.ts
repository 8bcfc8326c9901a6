import fc from 'fast-check';
import { test } from 'vitest';
import { EventQueue } from './event-queue.ts';

test('the agenda pops by time, then by insertion order, across windows and while being refilled', () => {
  // Operations: push at now + delay (delays from 0 to 3 days, many ties), or pop; checked against a sorted list.
  const op = fc.oneof(fc.record({ delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000 }),
    fc.integer({ min: 0, max: 3 * 86_400_000 })) }), fc.constant('pop' as const));
  fc.assert(fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
    const q = new EventQueue();
    const model: { at: number; n: number }[] = [];
    let now = 1_772_409_600_000;
    let n = 0;
    const check = () => {
      model.sort((a, b) => a.at - b.at || a.n - b.n);
      const expected = model.shift();
      const due = q.pop();
      if (!expected) return due === undefined;
      if (!due || due.at !== expected.at || due.arg !== expected.n) return false;
      now = due.at;
      return true;
    };
    for (const o of ops) {
      if (o === 'pop') { if (!check()) return false; continue; }
      const at = now + o.delay;
      q.pushStep(at, () => undefined, n);
      model.push({ at, n: n++ });
    }
    while (model.length) if (!check()) return false;
    return q.pop() === undefined && q.size === 0;
  }), { numRuns: 300 });
});
