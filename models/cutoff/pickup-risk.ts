/**
 * The carrier's half of a cutoff miss: will the truck come before the cutoff? Learned from history as a
 * survival estimate over pickup leads (cutoff − arrival; negative = the truck came after its cutoff): given that
 * no truck has come with m minutes left, P(late) = #(lead < 0) / #(lead < m) — of the trucks that had not come
 * by then, the share that came late. Per site × carrier, shrunk toward the same estimate over every site and
 * carrier with the weight of SHRINK = 10 pickups (a site × carrier with a week of its own history is mostly
 * itself; one late truck in its first days does not make the next day look 50% late), which is in turn smoothed
 * by half a late truck. Where a site reports no `carrier.pickup_arrived`, the feature builder infers each
 * cutoff's truck from the burst of handoffs it takes (./feature-builder.ts); with neither, the estimate is 0.
 *
 * A truck late by hours makes every parcel of its cutoff miss at once, whatever the floor did, so this part is
 * kept out of the network (which would otherwise learn the day and hour of one random incident) and combined
 * with it as independent causes: p = 1 − (1 − p_floor)(1 − p_truck).
 */
const SHRINK = 10;
const MAX_LEADS = 200;
const MAX_GLOBAL_LEADS = 1000;

export class PickupHistory {
  private readonly leads = new Map<string, number[]>();
  private global: number[] = [];

  /** A truck came `leadMinutes` before its cutoff (negative: after it). */
  add(site: string, carrier: string, leadMinutes: number): void {
    const key = `${site}|${carrier}`;
    const list = this.leads.get(key) ?? [];
    list.push(leadMinutes);
    if (list.length > MAX_LEADS) list.shift();
    this.leads.set(key, list);
    this.global.push(leadMinutes);
    if (this.global.length > MAX_GLOBAL_LEADS) this.global.shift();
  }

  /** Start from leads seen elsewhere (a trained model's metadata), so a fresh scorer is not blind. */
  seed(leadMinutes: number[]): void {
    this.global = [...leadMinutes.slice(-MAX_GLOBAL_LEADS), ...this.global].slice(-MAX_GLOBAL_LEADS);
  }

  globalLeads(): number[] { return [...this.global]; }

  /** P(the truck comes after the cutoff | it has not come with `minutesLeft` to go); carrier unknown: unconditional. */
  pLate(site: string, carrier: string | undefined, minutesLeft: number): number {
    if (!this.global.length) return 0;
    if (minutesLeft <= 0) return 1;
    const g = survival(this.global, minutesLeft);
    const pg = (g.late + 0.5) / (g.waiting + 1);
    if (!carrier) return (g.lateAll + 0.5) / (this.global.length + 1);
    const own = this.leads.get(`${site}|${carrier}`);
    const s = own ? survival(own, minutesLeft) : { late: 0, waiting: 0 };
    return (s.late + SHRINK * pg) / (s.waiting + SHRINK);
  }
}

function survival(leads: number[], minutesLeft: number): { late: number; waiting: number; lateAll: number } {
  let late = 0, waiting = 0;
  for (const l of leads) {
    if (l < 0) late++;
    if (l < minutesLeft) waiting++;
  }
  return { late, waiting, lateAll: late };
}
