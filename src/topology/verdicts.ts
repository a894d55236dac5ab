/** The verdict sentences: how many nodes each OS will use, and whether it uses the SLIT (and HMAT). */
import { slitRejection } from "./distances.js";
import type { HmatModel } from "./hmat.js";
import type { OsVerdict } from "./model.js";
import type { SratWalk } from "./srat-walk.js";
import type { SlitView } from "../acpi/views.js";
import { plural } from "../util/plural.js";

interface VerdictInput {
  /** Why each OS falls back to one node (./fallback.ts), if it does. */
  fallback: { linux: string | undefined; xen: string | undefined };
  linux: SratWalk;
  xen: SratWalk;
  slit: SlitView | undefined;
  hmat: HmatModel | undefined;
  /**
   * Of Linux's nodes, how many are online at boot (./online.ts). Those that are not (only hot-plug
   * windows, non-RAM ranges or disabled CPUs: possible, not online) are said beside the count,
   * which counts every node the SRAT gives Linux, so that the sentence agrees with the numactl
   * block and the sysfs tree.
   */
  linuxOnline: number;
}

function osVerdict(os: "linux" | "xen", input: VerdictInput, walk: SratWalk): OsVerdict {
  const name = os === "linux" ? "Linux" : "Xen";
  const sratRejected = input.fallback[os];
  const usesSrat = sratRejected === undefined;
  const nodes = usesSrat ? Math.max(1, walk.map.size) : 1;
  let slitRejected = input.slit === undefined ? "there is no SLIT" : slitRejection(input.slit);
  if (!usesSrat && input.slit !== undefined) slitRejected = "the SRAT is not used, so there is nothing to apply it to";
  const v: OsVerdict = { os, nodes, usesSrat, usesSlit: slitRejected === undefined, sentence: "" };
  if (sratRejected !== undefined) v.sratRejected = sratRejected;
  if (slitRejected !== undefined) v.slitRejected = slitRejected;
  const offline = os === "linux" && usesSrat && input.linuxOnline < nodes;
  const nodePart = usesSrat
    ? `${name} will use ${plural(nodes, "node")}${offline ? ` (${input.linuxOnline} online at boot, the others when hot-plugged memory or CPUs arrive)` : ""}`
    : `${name} will fall back to one node, because ${sratRejected}`;
  const slitPart = slitRejected === undefined ? "the SLIT: yes" : `the SLIT: no, because ${slitRejected}`;
  let sentence = `${nodePart}; ${slitPart}`;
  if (os === "linux" && input.hmat !== undefined) {
    v.usesHmat = input.hmat.linuxUses;
    if (input.hmat.linuxReason !== undefined) v.hmatRejected = input.hmat.linuxReason;
    sentence += input.hmat.linuxUses ? "; the HMAT: yes" : `; the HMAT: no, because ${input.hmat.linuxReason ?? ""}`;
  }
  // After the HMAT keys, where JSON has always shown it.
  if (offline) v.onlineAtBoot = input.linuxOnline;
  v.sentence = `${sentence}.`;
  return v;
}

export function verdicts(input: VerdictInput): { linux: OsVerdict; xen: OsVerdict } {
  return { linux: osVerdict("linux", input, input.linux), xen: osVerdict("xen", input, input.xen) };
}
