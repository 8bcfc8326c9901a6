/**
 * Stockout risk per SKU-location from the demand forecast, available-to-promise (ATP), confirmed inbound and
 * the supplier's lead time. Analytic, deterministic, one pass over each SKU-location's days.
 *
 * Demand. Day j (j = 0 is the day starting now) has mean μⱼ and standard deviation σⱼ: given directly, or from
 * the forecaster's P10/P50/P90 by Swanson's rule, μ = 0.3·P10 + 0.4·P50 + 0.3·P90 (unless the forecast has its
 * own `mean`), and σ = (P90 − P10) / 2.563 (the P10–P90 span of a normal). Beyond the forecast horizon demand
 * continues at the average of its last 7 days. Cumulative demand over the first t days, C(t), has mean
 * M(t) = Σμⱼ and variance V(t) = (1 − ρ)·Σσⱼ² + ρ·(Σσⱼ)², where ρ (`errorCorrelation`, default 0) is the
 * correlation of forecast errors between days: 0 treats days as independent, 1 as one shared level error.
 * C(t) is taken as a gamma with that mean and variance: demand is non-negative and right-skewed, a normal puts
 * mass on negative demand and thins the right tail that a stockout is about (it matters most for slow movers),
 * and the sum of independent gammas of one scale is exactly a gamma.
 *
 * Stockout before the next replenishment. The next replenishment lands at X days: the earliest confirmed
 * inbound's date with its own spread (`sdDays`, default the lead-time sd), or, without inbound, a new order
 * placed now, X ~ N(lead mean, lead sd). The demand that must be served before it is that of T = ⌈X⌉ whole
 * days (a delivery during day j serves day j's demand only partly; counting all of it is the cautious side).
 * The probability of a stockout is the exact mixture over the lead-time days,
 *     P = Σₜ P(T = t) · P(C(t) > ATP + ½),
 * with P(T = t) = Φ((t − m)/s) − Φ((t − 1 − m)/s) over m ± 5s (the tails folded into the end days) and a
 * continuity correction of ½ (units are whole: C ≥ ATP + 1). Unlike the textbook normal demand-over-lead-time
 * (mean d·L, variance L·σd² + d²·σL²) it keeps the forecast's shape day by day (a promotion next week, a weekly
 * cycle) and the skew of demand; with stationary demand its mean and variance are that formula's.
 * Monte Carlo would give the same answer with sampling noise, which would flip the ranking of close SKUs between
 * runs (and publish score changes that are noise), at ~1000× the cost.
 *
 * Projected stockout day: the first day k on which the median of C(k + 1) exceeds ATP plus the inbound landed by
 * then (an inbound at X days serves from day ⌈X⌉), i.e. where P50 cumulative demand crosses supply; null when
 * that does not happen within the forecast horizon. Days of cover: when mean cumulative demand reaches ATP
 * (inbound not counted), interpolated within the day; Infinity without demand.
 *
 * Reorder: periodic review, order-up-to (R, S), reviewed every R = `reviewDays` (default 1, the daily scoring)
 * with protection interval P = L + R (L the mean lead time): S = M(P) + SS, SS = z·√(V(P) + d²·σL²), where
 * d = M(P)/P and z = Φ⁻¹(`serviceLevel`, default 0.95, a cycle service level). With stationary independent
 * demand V(P) = P·σd², so SS = z·√((L + R)·σd² + d²·σL²), the textbook formula with both variabilities. The
 * recommended quantity is S − (ATP + all confirmed inbound), rounded up to the order multiple, or 0.
 */
import { gammaExceedance, normalCdf, normalQuantile } from './distributions.ts';

export interface DemandQuantiles { p10: ArrayLike<number>; p50: ArrayLike<number>; p90: ArrayLike<number>; mean?: ArrayLike<number> }
export interface DemandMoments { mean: ArrayLike<number>; sd: ArrayLike<number> }
/** Daily demand over the horizon, index 0 = the day starting now (the demand model's Forecast fits). */
export type DailyDemand = DemandQuantiles | DemandMoments;

export interface Inbound {
  qty: number;
  /** Expected arrival, days from now (fractional). */
  inDays: number;
  /** Spread of the arrival in days; default the lead-time sd. */
  sdDays?: number;
  /** A PO or transfer id, for the explanation. */
  reference?: string;
}

export interface StockoutInput {
  sku: string;
  location: string;
  demand: DailyDemand;
  /** Available-to-promise now (may be negative: oversold by loss). */
  atp: number;
  /** Confirmed inbound (confirmed POs, ASNs, transfers). */
  inbound?: Inbound[];
  /** Supplier lead time of a new order, days. */
  leadTime: { meanDays: number; sdDays: number };
  /** Order in multiples of this (case pack); default 1. */
  orderMultiple?: number;
}

export interface StockoutOptions {
  serviceLevel?: number;
  reviewDays?: number;
  errorCorrelation?: number;
  /** YYYY-MM-DD of day 0, to date the projected stockout. */
  today?: string;
}

export interface StockoutScore {
  sku: string;
  location: string;
  /** P(stockout before the next replenishment lands). */
  probability: number;
  /** What the next replenishment is, and when it is expected (days from now). */
  replenishment: { kind: 'inbound' | 'new_order'; inDays: number; sdDays: number; reference?: string };
  /** Day index of the projected stockout (P50), null if not within the horizon. */
  stockoutDay: number | null;
  stockoutDate: string | null;
  daysOfCover: number;
  safetyStock: number;
  orderUpTo: number;
  /** ATP + confirmed inbound. */
  inventoryPosition: number;
  reorderQty: number;
}

const P10_P90_SPAN = 2 * 1.2815515655446004;
const TAIL_DAYS = 7;
const SPREAD = 5;

/** Scratch arrays shared by every SKU-location of one call: per-day mean and variance, and their prefix sums. */
class Scratch {
  mu = new Float64Array(0); va = new Float64Array(0); cm = new Float64Array(0); cv = new Float64Array(0); cs = new Float64Array(0);
  ensure(n: number) {
    if (this.mu.length >= n) return;
    const size = Math.max(n, this.mu.length * 2);
    for (const k of ['mu', 'va', 'cm', 'cv', 'cs'] as const) this[k] = new Float64Array(size);
  }
}

/** Score every SKU-location; the answer is in input order. */
export function scoreStockout(inputs: StockoutInput[], o: StockoutOptions = {}): StockoutScore[] {
  const z = normalQuantile(o.serviceLevel ?? 0.95);
  const rho = o.errorCorrelation ?? 0;
  if (!(rho >= 0 && rho <= 1)) throw new RangeError(`errorCorrelation must be in 0–1, got ${rho}`);
  const review = o.reviewDays ?? 1;
  const todayMs = o.today ? Date.parse(`${o.today}T00:00:00Z`) : NaN;
  const s = new Scratch();
  return inputs.map((e) => scoreOne(e, s, z, rho, review, todayMs));
}

function scoreOne(e: StockoutInput, s: Scratch, z: number, rho: number, review: number, todayMs: number): StockoutScore {
  const d = e.demand;
  const horizon = d.mean?.length ?? (d as DemandQuantiles).p50.length;
  if (!horizon) throw new RangeError(`${e.sku}@${e.location}: the demand forecast is empty`);
  if (!(e.leadTime.meanDays >= 0 && e.leadTime.sdDays >= 0 && Number.isFinite(e.leadTime.meanDays + e.leadTime.sdDays + e.atp))) {
    throw new RangeError(`${e.sku}@${e.location}: lead time ${e.leadTime.meanDays} ± ${e.leadTime.sdDays} days, ATP ${e.atp}`);
  }
  const inbound = (e.inbound ?? []).filter((i) => i.qty > 0 && Number.isFinite(i.inDays)).sort((a, b) => a.inDays - b.inDays);
  const first = inbound[0];
  const m = first ? first.inDays : e.leadTime.meanDays;
  const sd = Math.max(0, first ? first.sdDays ?? e.leadTime.sdDays : e.leadTime.sdDays);
  const lo = sd > 0 ? Math.max(0, Math.floor(m - SPREAD * sd)) : Math.max(0, Math.ceil(m));
  const hi = sd > 0 ? Math.max(lo, Math.ceil(m + SPREAD * sd)) : lo;
  const protection = e.leadTime.meanDays + review;
  const days = Math.max(horizon, hi, Math.ceil(protection) + 1) + 1;
  s.ensure(days + 1);
  const { mu, va, cm, cv, cs } = s;

  let tailMu = 0, tailVa = 0;
  for (let j = 0; j < horizon; j++) {
    let mean: number, sdj: number;
    if ('sd' in d) { mean = d.mean[j]; sdj = d.sd[j]; }
    else { mean = d.mean ? d.mean[j] : 0.3 * d.p10[j] + 0.4 * d.p50[j] + 0.3 * d.p90[j]; sdj = (d.p90[j] - d.p10[j]) / P10_P90_SPAN; }
    mu[j] = mean > 0 ? mean : 0;
    va[j] = sdj > 0 ? sdj * sdj : 0;
    if (j >= horizon - TAIL_DAYS) { tailMu += mu[j]; tailVa += va[j]; }
  }
  const tailN = Math.min(TAIL_DAYS, horizon);
  tailMu /= tailN; tailVa /= tailN;
  for (let j = horizon; j < days; j++) { mu[j] = tailMu; va[j] = tailVa; }
  cm[0] = 0; cv[0] = 0; cs[0] = 0;
  for (let j = 0; j < days; j++) { cm[j + 1] = cm[j] + mu[j]; cv[j + 1] = cv[j] + va[j]; cs[j + 1] = cs[j] + Math.sqrt(va[j]); }
  const variance = (t: number) => (1 - rho) * cv[t] + rho * cs[t] * cs[t];

  // Stockout before the next replenishment: mixture over the whole days of demand it must cover.
  const atp = e.atp;
  let probability = 0;
  for (let t = lo, below = 0; t <= hi; t++) {
    const upTo = sd === 0 || t === hi ? 1 : normalCdf((t - m) / sd); // P(X ≤ t); the ends take the tails
    const w = upTo - below;
    below = upTo;
    if (w > 1e-12) probability += w * gammaExceedance(cm[t], variance(t), atp + 0.5);
  }
  probability = Math.min(1, Math.max(0, probability));

  // Projected stockout: P50 cumulative demand crossing ATP + inbound landed.
  let stockoutDay: number | null = null;
  let supply = atp;
  for (let k = 0, next = 0; k < horizon; k++) {
    while (next < inbound.length && Math.max(0, Math.ceil(inbound[next].inDays)) <= k) supply += inbound[next++].qty;
    // A gamma's median is below its mean: no crossing while mean demand is within supply (most days, no CDF).
    if (cm[k + 1] > supply + 0.5 && gammaExceedance(cm[k + 1], variance(k + 1), supply + 0.5) >= 0.5) { stockoutDay = k; break; }
  }

  // Days of cover: mean cumulative demand reaching ATP.
  let daysOfCover = 0;
  if (atp > 0) {
    let t = 0;
    while (t < days && cm[t + 1] < atp) t++;
    daysOfCover = t < days ? t + (atp - cm[t]) / mu[t] : tailMu > 0 ? days + (atp - cm[days]) / tailMu : Infinity;
  }

  // Order-up-to over the protection interval L + R.
  const f = Math.floor(protection), fr = protection - f;
  const demandP = cm[f] + fr * mu[f];
  const varP = (1 - rho) * (cv[f] + fr * va[f]) + rho * (cs[f] + fr * Math.sqrt(va[f])) ** 2;
  const rate = protection > 0 ? demandP / protection : 0;
  const safetyStock = z * Math.sqrt(varP + rate * rate * e.leadTime.sdDays * e.leadTime.sdDays);
  const orderUpTo = demandP + safetyStock;
  const inventoryPosition = atp + inbound.reduce((n, i) => n + i.qty, 0);
  const multiple = e.orderMultiple && e.orderMultiple > 0 ? e.orderMultiple : 1;
  const short = orderUpTo - inventoryPosition;
  const reorderQty = short > 1e-9 ? Math.ceil(short / multiple - 1e-9) * multiple : 0;

  return {
    sku: e.sku, location: e.location, probability,
    replenishment: { kind: first ? 'inbound' : 'new_order', inDays: m, sdDays: sd, ...(first?.reference ? { reference: first.reference } : {}) },
    stockoutDay, stockoutDate: stockoutDay !== null && Number.isFinite(todayMs) ? new Date(todayMs + stockoutDay * 86_400_000).toISOString().slice(0, 10) : null,
    daysOfCover, safetyStock, orderUpTo, inventoryPosition, reorderQty,
  };
}

/** One plain sentence for a score (≤ 500 characters, the risk contract's limit). */
export function explainStockout(s: StockoutScore): string {
  const pct = `${Math.round(s.probability * 100)}%`;
  const r = s.replenishment;
  const before = r.kind === 'inbound'
    ? `before ${r.reference ?? 'the next inbound'} lands (in ${r.inDays.toFixed(1)} days)`
    : `before a new order placed today would land (lead time ${r.inDays.toFixed(1)} ± ${r.sdDays.toFixed(1)} days)`;
  const when = s.stockoutDay === null ? 'no stockout projected within the forecast'
    : `projected stockout ${s.stockoutDate ?? `in ${s.stockoutDay} days`}`;
  const cover = Number.isFinite(s.daysOfCover) ? `${s.daysOfCover.toFixed(1)} days of cover` : 'no demand forecast';
  const order = s.reorderQty > 0 ? `reorder ${s.reorderQty} (up to ${Math.round(s.orderUpTo)})` : 'no reorder needed';
  return `${s.sku} at ${s.location}: ${pct} chance to stock out ${before}; ${when}; ${cover}; ${order}.`.slice(0, 500);
}
