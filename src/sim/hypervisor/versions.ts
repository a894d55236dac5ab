/**
 * Xen releases and the claim behaviour each has, as a table (docs/sim.md, "Xen versions").
 * Checked against xen-project/xen at the release tags (domain_adjust_tot_pages() and
 * alloc_heap_pages() in xen/common/page_alloc.c):
 *  - RELEASE-4.18.0 (d75f1e9b74), 4.19.0 (026c9fa297), 4.20.0 (3ad5d648cd): the claim moves in
 *    domain_adjust_tot_pages(): `dom_after = dom_before - pages`, clamped at 0, so it is consumed
 *    when tot_pages grows and grows back when pages are freed while a claim is active.
 *  - 3472783c26 "xen/page_alloc: Simplify domain_adjust_tot_pages" (first in RELEASE-4.21.0,
 *    06af9ef229): `if ( !d->outstanding_pages || pages <= 0 ) goto out;` — frees no longer
 *    refill the claim; consumption still there.
 *  - 75d29d9b5e "xen/mm: move adjustment of claimed pages counters on allocation" (first in
 *    RELEASE-4.22.0, d45d5687f1): consumption moves into alloc_heap_pages(),
 *    `min(d->outstanding_pages, request)` when the pages leave the heap (so a later
 *    assign_pages() failure loses that part of the claim); domain_adjust_tot_pages() no longer
 *    touches claims.
 *  - 83a784a15b "xen/mm: allow deferred scrub of physmap populate allocated pages" (first in
 *    RELEASE-4.22.0): populate_physmap() passes MEMF_no_scrub|MEMF_keep_scrub until the domain
 *    is first unpaused.
 * "staging" is xen-project/xen master as reviewed (c447b7308b): 4.22 behaviour.
 */
import { ownValue } from "../../util/own.js";


/** Release labels `xen.version` takes. */
export const XEN_VERSIONS = ["4.18", "4.19", "4.20", "4.21", "4.22", "staging"] as const;
export type XenVersion = (typeof XEN_VERSIONS)[number];
/** Accepted for scenario files written before the release labels: "current" meant staging. */
export const XEN_VERSION_ALIASES: Readonly<Record<string, XenVersion>> = { current: "staging" };

export interface VersionRules {
  /** Where a claim is consumed: when tot_pages grows (≤ 4.21) or in alloc_heap_pages (4.22+). */
  claimConsumption: "domain_adjust_tot_pages" | "alloc_heap_pages";
  /** Whether freeing pages grows an active claim back (≤ 4.20). */
  freeRefillsClaim: boolean;
  /** Default of populateNoScrubDuringBuild (83a784a15b, 4.22+). */
  populateNoScrubDuringBuild: boolean;
  /** The node-claim series (XS-v4, claim sets v5/v7) are posted against staging after 75d29d9b5e. */
  nodeClaims: boolean;
}

const LEGACY: VersionRules = { claimConsumption: "domain_adjust_tot_pages", freeRefillsClaim: true, populateNoScrubDuringBuild: false, nodeClaims: false };
const CURRENT: VersionRules = { claimConsumption: "alloc_heap_pages", freeRefillsClaim: false, populateNoScrubDuringBuild: true, nodeClaims: true };

export const VERSION_RULES: Readonly<Record<XenVersion, VersionRules>> = {
  "4.18": LEGACY,
  "4.19": LEGACY,
  "4.20": LEGACY,
  "4.21": { ...LEGACY, freeRefillsClaim: false },
  "4.22": CURRENT,
  staging: CURRENT,
};

/** A version label or alias → the release it names; undefined for anything else. */
export function parseXenVersion(v: unknown): XenVersion | undefined {
  if (typeof v !== "string") return undefined;
  return XEN_VERSIONS.find((x) => x === v) ?? ownValue(XEN_VERSION_ALIASES, v);
}
