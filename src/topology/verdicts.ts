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
  const nodePart = usesSrat
    ? `${name} will use ${plural(nodes, "node")}`
    : `${name} will fall back to one node, because ${sratRejected}`;
  const slitPart = slitRejected === undefined ? "the SLIT: yes" : `the SLIT: no, because ${slitRejected}`;
  let sentence = `${nodePart}; ${slitPart}`;
  if (os === "linux" && input.hmat !== undefined) {
    v.usesHmat = input.hmat.linuxUses;
    if (input.hmat.linuxReason !== undefined) v.hmatRejected = input.hmat.linuxReason;
    sentence += input.hmat.linuxUses ? "; the HMAT: yes" : `; the HMAT: no, because ${input.hmat.linuxReason ?? ""}`;
  }
  v.sentence = `${sentence}.`;
  return v;
}

export function verdicts(input: VerdictInput): { linux: OsVerdict; xen: OsVerdict } {
  return { linux: osVerdict("linux", input, input.linux), xen: osVerdict("xen", input, input.xen) };
}

/**
 * Linux's nodes that are not online at boot (only hot-plug windows, non-RAM ranges or disabled
 * CPUs: possible, not online; ./online.ts) are said beside the count, which counts every node the
 * SRAT gives Linux, so that the sentence agrees with the numactl block and the sysfs tree.
 */
export function onlineVerdict(v: OsVerdict, online: number): void {
  if (!v.usesSrat || online >= v.nodes) return;
  v.onlineAtBoot = online;
  const head = `Linux will use ${plural(v.nodes, "node")}`;
  if (v.sentence.startsWith(head)) v.sentence = `${head} (${online} online at boot, the others when hot-plugged memory or CPUs arrive)${v.sentence.slice(head.length)}`;
}
