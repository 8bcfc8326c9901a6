/** Number and time formatting for dense ops tables: fixed locale so figures line up the same for everyone. */
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rateFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit',
  second: '2-digit' });

export const fmtInt = (n: number) => intFmt.format(n);
/** Rates below 10/s keep one decimal; above, whole numbers. */
export const fmtRate = (n: number) => (n < 10 ? rateFmt.format(n) : intFmt.format(Math.round(n)));
export const fmtTime = (ms: number) => timeFmt.format(new Date(ms));
/** "10 Mar, 09:30:00": for rows that span days (ledger movements). */
export const fmtDateTime = (ms: number) => dateTimeFmt.format(new Date(ms));
/** A quantity change with its sign: "+100", "−4" (a real minus, same width as the plus), "0". */
export const fmtDelta = (n: number) => (n > 0 ? `+${intFmt.format(n)}` : n < 0 ? `−${intFmt.format(-n)}` : '0');

/** "12 s ago", "3 min ago", "2 h ago". */
export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

const compactFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** "950", "12.3K", "1.2M": money and counts in narrow table cells. */
export const fmtCompact = (n: number) => compactFmt.format(n);

/** A response time: "45 s", "12 min", "3.2 h", "2.5 d"; "—" when there is none. */
export function fmtDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${rateFmt.format(seconds / 3600)} h`;
  return `${rateFmt.format(seconds / 86_400)} d`;
}
