/**
 * Device identity and locality: for every Device (and Processor) object, its _HID/_CID (EISA IDs
 * decoded), _UID, _ADR, _STA, _PXM and _SLI, and _PXM inherited from the nearest ancestor
 * (ACPI 6.5 §6.2.14 "_PXM": children belong to their parent's proximity domain unless they have
 * their own; Linux `acpi_get_pxm()` walks the parent chain the same way).
 */
import { decodeEisaId } from "./eisa.js";
import type { StaticEvaluator } from "./evaluate.js";
import type { NsNode } from "./namespace.js";
import type { ObjectKind } from "./opcodes.js";
import { decodeSli, type SliDistances } from "./sli.js";
import { mapStatic, NotStatic, type AmlValue, type ObjectValue } from "./value.js";
import { hex } from "../util/hex.js";

/** _PXM as the device sees it; `inheritedFrom` names the ancestor whose _PXM applies. */
export type PxmInfo = ObjectValue<number> & { inheritedFrom?: string };

export interface NamespaceDevice {
  /** Namespace path as iasl prints it: "\\_SB.PCI0". */
  path: string;
  kind: ObjectKind;
  /** Table and offset of the first definition. */
  table: string;
  offset: number;
  hid?: ObjectValue<string>;
  cids?: ObjectValue<string[]>;
  uid?: ObjectValue<string | number>;
  adr?: ObjectValue<number>;
  sta?: ObjectValue<number>;
  /** Own or inherited _PXM; absent when neither the device nor an ancestor has one. */
  pxm?: PxmInfo;
  sli?: ObjectValue<SliDistances>;
}

export const DEVICE_KINDS: ReadonlySet<ObjectKind> = new Set<ObjectKind>(["Device", "Processor"]);

function toNumber(v: AmlValue, what: string): number | NotStatic {
  if (v.type !== "integer") return new NotStatic(`${what} is a ${v.type}, not an Integer`);
  if (v.value > BigInt(Number.MAX_SAFE_INTEGER)) return new NotStatic(`${what} ${hex(v.value)} is too large to represent exactly`);
  return Number(v.value);
}

/** A device ID: a string as written, or a compressed EISA ID integer decoded. */
function toId(v: AmlValue, what: string): string | NotStatic {
  if (v.type === "string") return v.value;
  if (v.type === "integer") return decodeEisaId(v.value) ?? new NotStatic(`${what} ${hex(v.value)} is not a valid EISA ID`);
  return new NotStatic(`${what} is a ${v.type}, not an ID`);
}

function toIds(v: AmlValue): string[] | NotStatic {
  if (v.type !== "package") { const id = toId(v, "_CID"); return id instanceof NotStatic ? id : [id]; }
  const out: string[] = [];
  for (const e of v.elements) { const id = toId(e, "_CID element"); if (id instanceof NotStatic) return id; out.push(id); }
  return out;
}

function toUid(v: AmlValue): string | number | NotStatic {
  return v.type === "string" ? v.value : toNumber(v, "_UID");
}

/**
 * _PXM as Linux uses it: acpi_get_pxm() (drivers/acpi/numa.c) returns the unsigned long long of
 * acpi_evaluate_integer() as an int, so only the low 32 bits count, and a PXM that is negative as
 * an int (Ones, 0xFFFFFFFF, anything from 2^31) has no node (pxm_to_node() gives NUMA_NO_NODE).
 * It is kept as the unsigned 32-bit value, the form of the SRAT's proximity domains, none of
 * which Linux maps at or above MAX_PXM_DOMAINS either.
 */
export const toPxm = (v: AmlValue): number | NotStatic =>
  v.type === "integer" ? Number(BigInt.asUintN(32, v.value)) : new NotStatic(`_PXM is a ${v.type}, not an Integer`);
export const toSli = (v: AmlValue): SliDistances | NotStatic => decodeSli(v);

export class DeviceReader {
  private readonly pxmCache = new Map<NsNode, PxmInfo | null>();
  constructor(private readonly ev: StaticEvaluator) {}

  private own(node: NsNode, seg: string): ObjectValue<AmlValue> | undefined {
    const child = node.children.get(seg);
    return child === undefined ? undefined : this.ev.node(child);
  }

  /** The _PXM that applies to `node`: its own, else the nearest ancestor's (memoised). */
  pxm(node: NsNode): PxmInfo | undefined {
    const cached = this.pxmCache.get(node);
    if (cached !== undefined) return cached ?? undefined;
    const own = this.own(node, "_PXM");
    let r: PxmInfo | undefined;
    if (own !== undefined) r = mapStatic(own, toPxm);
    else if (node.parent !== undefined) {
      const up = this.pxm(node.parent);
      if (up !== undefined) r = { ...up, inheritedFrom: up.inheritedFrom ?? node.parent.path };
    }
    this.pxmCache.set(node, r ?? null);
    return r;
  }

  read(node: NsNode): NamespaceDevice {
    const first = node.definitions[0] ?? node.decls[0];
    const d: NamespaceDevice = { path: node.path, kind: node.kind, table: first?.table ?? "", offset: first?.offset ?? 0 };
    const hid = this.own(node, "_HID");
    if (hid !== undefined) d.hid = mapStatic(hid, (v) => toId(v, "_HID"));
    const cid = this.own(node, "_CID");
    if (cid !== undefined) d.cids = mapStatic(cid, toIds);
    const uid = this.own(node, "_UID");
    if (uid !== undefined) d.uid = mapStatic(uid, toUid);
    const adr = this.own(node, "_ADR");
    if (adr !== undefined) d.adr = mapStatic(adr, (v) => toNumber(v, "_ADR"));
    const sta = this.own(node, "_STA");
    if (sta !== undefined) d.sta = mapStatic(sta, (v) => toNumber(v, "_STA"));
    const pxm = this.pxm(node);
    if (pxm !== undefined) d.pxm = pxm;
    const sli = this.own(node, "_SLI");
    if (sli !== undefined) d.sli = mapStatic(sli, toSli);
    return d;
  }
}
