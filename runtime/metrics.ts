/**
 * A small Prometheus registry: counters, gauges and histograms rendered in the text exposition format.
 * Hand-written because the three metric kinds we need fit in ~100 lines and pull in no dependency.
 */
type Labels = Record<string, string>;

const key = (l: Labels) => Object.keys(l).sort().map((k) => `${k}="${l[k]!.replace(/["\\\n]/g, '_')}"`).join(',');

abstract class Metric {
  constructor(readonly name: string, readonly help: string, readonly kind: string) {}
  abstract lines(): string[];
}

export class Counter extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) { super(name, help, 'counter'); }
  inc(by = 1, labels: Labels = {}): void { const k = key(labels); this.values.set(k, (this.values.get(k) ?? 0) + by); }
  get(labels: Labels = {}): number { return this.values.get(key(labels)) ?? 0; }
  lines() { return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`); }
}

export class Gauge extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) { super(name, help, 'gauge'); }
  set(v: number, labels: Labels = {}): void { this.values.set(key(labels), v); }
  get(labels: Labels = {}): number { return this.values.get(key(labels)) ?? 0; }
  lines() { return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`); }
}

export class Histogram extends Metric {
  private counts: number[];
  private sum = 0;
  private n = 0;
  constructor(name: string, help: string, readonly buckets: number[]) {
    super(name, help, 'histogram');
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v; this.n++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
  get count(): number { return this.n; }
  lines() {
    return [
      ...this.buckets.map((b, i) => `${this.name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.n}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.n}`,
    ];
  }
}

export class Registry {
  private metrics: Metric[] = [];
  counter(name: string, help: string): Counter { return this.add(new Counter(name, help)); }
  gauge(name: string, help: string): Gauge { return this.add(new Gauge(name, help)); }
  histogram(name: string, help: string, buckets: number[]): Histogram { return this.add(new Histogram(name, help, buckets)); }
  private add<M extends Metric>(m: M): M { this.metrics.push(m); return m; }
  render(): string {
    return this.metrics.map((m) => [`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.kind}`, ...m.lines()].join('\n')).join('\n') + '\n';
  }
}
