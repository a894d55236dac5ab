/**
 * Hooks the builder calls after nodes are placed: each node's kind (./kinds.ts) and Linux memory
 * tier (./tiers.ts), and the CXL part of Linux's verdict (./cxl.ts).
 */
import type { CxlModel } from "./cxl.js";
import type { HmatModel } from "./hmat.js";
import type { KernelVersion } from "./kernel.js";
import { nodeKinds } from "./kinds.js";
import type { OsVerdict, TopologyNode } from "./model.js";
import { presentLinuxCpus } from "./online.js";
import { memoryTiers, type TierSummary } from "./tiers.js";
import { pluralWord } from "../util/plural.js";

export function classifyNodes(nodes: TopologyNode[], hmat: HmatModel | undefined, kernel: KernelVersion): TierSummary | undefined {
  for (const n of nodes) {
    n.kinds = nodeKinds(n);
    n.kind = n.kinds[0] ?? "empty";
  }
  const tiers = memoryTiers(nodes.map((n) => ({ id: n.id, pxm: n.pxm, hasCpus: n.cpus.length > 0, cpuPresent: presentLinuxCpus(n).length > 0, kinds: n.kinds })), hmat, kernel);
  if (tiers === undefined) return undefined;
  for (const n of nodes) {
    const t = tiers.byNode.get(n.id);
    if (t !== undefined) n.memoryTier = t;
  }
  return tiers.summary;
}

/** Linux's verdict counts the windows' nodes as possible nodes beyond the SRAT's. */
export function cxlVerdict(v: OsVerdict, cxl: CxlModel): void {
  const made = cxl.windows.filter((w) => w.linux.action === "new-node");
  if (made.length === 0 || !v.usesSrat) return;
  v.cxlWindowNodes = made.length;
  const ids = made.map((w) => w.linux.node ?? -1).join(", ");
  v.sentence = `${v.sentence.slice(0, -1)}; plus ${made.length} possible ${pluralWord(made.length, "node")} (${ids}) for CXL windows the SRAT does not describe (Linux ${cxl.kernel}).`;
}
