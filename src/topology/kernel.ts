/**
 * The Linux kernel version whose rules the model follows where they changed (CXL windows, Generic
 * Ports, memory tiers). An explicit option (`--kernel`), never a guess: the default is documented.
 */
import { UsageError } from "../errors.js";

export interface KernelVersion { major: number; minor: number }

/** Default: 6.12, the longterm kernel of Debian 13 and RHEL 10 era distributions. */
export const DEFAULT_KERNEL: KernelVersion = { major: 6, minor: 12 };

export function parseKernel(text: string): KernelVersion {
  const m = /^(\d{1,2})\.(\d{1,3})(?:\.\d+)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--kernel takes a Linux version such as 6.1 or 6.12, not ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function kernelText(k: KernelVersion): string {
  return `${k.major}.${k.minor}`;
}

/** k >= major.minor */
export function atLeast(k: KernelVersion, major: number, minor: number): boolean {
  return k.major > major || (k.major === major && k.minor >= minor);
}
