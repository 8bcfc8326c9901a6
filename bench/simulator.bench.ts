/**
 * How fast the scenario generates events (objects, no serialisation, no I/O): the 1M-event ingest benchmark
 * needs ≥ 300k events/s from it so the generator is not the bottleneck. Prints events/s per back-fill.
 * Run: node --import tsx bench/simulator.bench.ts [events=1000000] [seed=1]
 */
import { createScenario } from '../simulator/scenario.ts';

const target = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);

function run(label: string, count: number): void {
  const scenario = createScenario({ seed, start: '2026-03-02T00:00:00Z', days: 60 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  for (const ev of scenario.events(count)) if (ev.id) n++;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU time as well as wall time: on a shared machine the wall-clock rate understates the generator.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const simDays = (scenario.now - scenario.start) / 86_400_000;
  const rate = (t: number) => Math.round(n / (t / 1000)).toLocaleString('en-US').padStart(9);
  console.log(`${label.padEnd(8)} ${n.toLocaleString('en-US').padStart(10)} events, ${simDays.toFixed(2)} simulated days: ` +
    `wall ${ms.toFixed(0).padStart(5)} ms = ${rate(ms)} events/s; cpu ${cpuMs.toFixed(0).padStart(5)} ms = ${rate(cpuMs)} events/s`);
}

// The first pass is what a fresh benchmark process sees (JIT warm-up, the opening in-transit parcels); the
// second shows the steady state.
run('cold', target);
run('warm', target);
