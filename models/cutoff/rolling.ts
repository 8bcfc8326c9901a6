/** Small streaming helpers for the feature builder: a time-windowed sum, a min-heap, local offsets and times. */

/** Sum of the values added in the last `spanMs` (entries at or before `ms − span` fall out). */
export class RollingSum {
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;
  private total = 0;

  constructor(readonly spanMs: number) {}

  add(ms: number, value: number): void {
    this.times.push(ms);
    this.values.push(value);
    this.total += value;
    this.evict(ms);
  }

  /** The sum over (ms − span, ms]; `ms` must not go back before the latest add. */
  at(ms: number): number {
    this.evict(ms);
    return this.total;
  }

  private evict(ms: number): void {
    const from = ms - this.spanMs;
    while (this.head < this.times.length && this.times[this.head] <= from) this.total -= this.values[this.head++];
    if (this.head > 512 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
      // Re-add from scratch now and then so a long run of adds and evictions cannot drift in floating point.
      this.total = this.values.reduce((a, b) => a + b, 0);
    }
  }
}

/** A binary min-heap on a numeric key; ties come out in insertion order. */
export class MinHeap<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private seq = 0;

  get size(): number { return this.items.length; }
  peekKey(): number { return this.items.length ? this.keys[0] : Infinity; }

  push(key: number, item: T): void {
    this.keys.push(key); this.seqs.push(this.seq++); this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (!n) return undefined;
    const top = this.items[0];
    this.swap(0, n - 1);
    this.keys.pop(); this.seqs.pop(); this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.seqs[a] < this.seqs[b]);
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b], this.seqs[a]];
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
  }
}

/** The UTC offset (minutes) written in an ISO instant: `-05:00` → −300, `Z` → 0. */
export function offsetOfIso(iso: string): number {
  const m = /([+-])(\d\d):?(\d\d)$/.exec(iso);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/**
 * The UTC offset (minutes) of an IANA zone at an instant. Offsets change at most twice a year, on the hour, so
 * one Intl call (~3 µs) per zone and hour is cached; the cache is cleared past 10,000 entries.
 */
export function zoneOffsetMinutes(tz: string, ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  const key = `${tz}|${hour}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(hour * 3_600_000).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  const off = Math.round((local - hour * 3_600_000) / 60_000);
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, off);
  return off;
}

/** `2026-03-04T16:00:00-05:00` from an instant and an offset in minutes. */
export function formatWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const a = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
