import { cpus, loadavg, totalmem } from "node:os";

/** Where a benchmark ran: printed with every result so numbers are never read out of context. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly totalMemGiB: number;
  /** 1-minute load average when the run started: above the core count, other work competed. */
  readonly loadAvg1: number;
}

/** The 1-minute load average, 2 decimals (0 on Windows). */
export function loadAvg1(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAvg1: loadAvg1(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, Node ${m.node} (${m.platform}-${m.arch}), load average ${m.loadAvg1} at the start`;
}
