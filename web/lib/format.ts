/** Number and time formatting for dense ops tables: fixed locale so figures line up the same for everyone. */
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rateFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const fmtInt = (n: number) => intFmt.format(n);
/** Rates below 10/s keep one decimal; above, whole numbers. */
export const fmtRate = (n: number) => (n < 10 ? rateFmt.format(n) : intFmt.format(Math.round(n)));
export const fmtTime = (ms: number) => timeFmt.format(new Date(ms));

/** "12 s ago", "3 min ago", "2 h ago". */
export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
