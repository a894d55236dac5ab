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

/**
 * _PXM as the device sees it; `inheritedFrom` names the ancestor whose _PXM applies; `ownIgnored`
 * says why the device's own _PXM is passed over (a constant ACPICA cannot make an Integer of).
 */
export type PxmInfo = ObjectValue<number> & { inheritedFrom?: string; ownIgnored?: string };

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

/**
 * A predefined name whose value must be an Integer (_ADR, _STA: ACPI_RTYPE_INTEGER in ACPICA's
 * predefined.h), read as the OS reads it: ACPICA repairs a String or a short Buffer into one
 * first (repairToInteger), so a `Name (_STA, "0")` is an absent device, not an unknown status.
 */
function toRepairedNumber(v: AmlValue, what: string): number | NotStatic {
  const i = repairToInteger(v);
  if (i === undefined) return new NotStatic(`${what} is a ${v.type} ACPICA cannot repair into an Integer`);
  return toNumber({ type: "integer", value: i }, what);
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
export function toPxm(v: AmlValue): number | NotStatic {
  const i = repairToInteger(v);
  if (i !== undefined) return Number(BigInt.asUintN(32, i));
  const what = v.type === "string" ? "a string ACPICA cannot convert (more than 64 bits)" : v.type === "buffer" ? `a buffer of ${v.bytes.length} bytes (more than 8)` : `a ${v.type}`;
  return new PxmNotInteger(`_PXM is ${what}, not an Integer: acpi_evaluate_integer() fails, so Linux's acpi_get_pxm() looks at the parent's _PXM`);
}

/**
 * A constant _PXM that ACPICA cannot repair into an Integer: acpi_evaluate_integer() fails with
 * AE_BAD_DATA and Linux's acpi_get_pxm() goes on up the parent chain, as if there were none.
 */
export class PxmNotInteger extends NotStatic {}

/**
 * ACPICA's repair of the value of a predefined name that must be an Integer, as _PXM must
 * (acpi_ns_check_return_value -> acpi_ns_simple_repair -> acpi_ns_convert_to_integer, nsconvert.c;
 * it runs for a Name as for a Method, and Linux leaves auto-repair on): a String is parsed by
 * acpi_ut_strtoul64, a Buffer of at most 8 bytes is read little-endian (no 32-bit truncation
 * afterwards: acpi_ut_create_integer_object). Anything else (a Package) cannot be repaired.
 */
export function repairToInteger(v: AmlValue): bigint | undefined {
  switch (v.type) {
    case "integer": return v.value;
    case "string": return strtoul64(v.value);
    case "buffer": {
      if (v.bytes.length > 8) return undefined;
      let n = 0n;
      for (let i = v.bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(v.bytes[i] ?? 0);
      return n;
    }
    default: return undefined;
  }
}

const U64_MAX = 0xffffffffffffffffn;
/** Linux's isspace() (lib/ctype.c, which ACPICA uses in the kernel): \t \n \v \f \r, space, and Latin-1 NBSP 0xA0. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 99;
}

/**
 * acpi_ut_strtoul64 (utstrtoul64.c, ACPICA 20170831 on, Linux 4.15 on), always 64 bits whatever the
 * table's width: leading whitespace skipped; "0x"/"0X" means hex, another leading "0" octal, else
 * decimal; the first character that is not a digit of the base ends the number (no error at run
 * time); an empty or digitless string is 0; more than 64 bits is an error (undefined here).
 */
export function strtoul64(s: string): bigint | undefined {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let base = 10;
  if (s.charCodeAt(i) === 0x30 && (s.charCodeAt(i + 1) | 0x20) === 0x78) { base = 16; i += 2; }
  else if (s.charCodeAt(i) === 0x30) { base = 8; i += 1; }
  while (s.charCodeAt(i) === 0x30) i++; // acpi_ut_remove_leading_zeros: a bounded number of BigInt steps below
  let n = 0n;
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= base) break;
    n = n * BigInt(base) + BigInt(d);
    if (n > U64_MAX) return undefined; // AE_{OCTAL,DECIMAL,HEX}_OVERFLOW: the repair fails
  }
  return n;
}
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
    const value = own?.static === true ? toPxm(own.value) : undefined;
    let r: PxmInfo | undefined;
    if (own !== undefined && !(value instanceof PxmNotInteger)) r = mapStatic(own, toPxm);
    else {
      // Linux acpi_get_pxm(): when acpi_evaluate_integer() fails on a device's own _PXM (a constant
      // ACPICA cannot repair into an Integer), it goes on to the parent's, and so on up.
      const up = node.parent === undefined ? undefined : this.pxm(node.parent);
      if (up !== undefined && node.parent !== undefined) {
        r = { ...up, inheritedFrom: up.inheritedFrom ?? node.parent.path };
        delete r.ownIgnored; // the parent's own, not this device's
      }
      if (own !== undefined && value instanceof PxmNotInteger) {
        r = r === undefined
          ? { static: false, reason: `${value.reason}; no ancestor has one: no node`, table: own.table, offset: own.offset, ownIgnored: `${own.table} ${hex(own.offset)}: ${value.reason}` }
          : { ...r, ownIgnored: `${own.table} ${hex(own.offset)}: ${value.reason}` };
      }
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
    if (adr !== undefined) d.adr = mapStatic(adr, (v) => toRepairedNumber(v, "_ADR"));
    const sta = this.own(node, "_STA");
    if (sta !== undefined) d.sta = mapStatic(sta, (v) => toRepairedNumber(v, "_STA"));
    const pxm = this.pxm(node);
    if (pxm !== undefined) d.pxm = pxm;
    const sli = this.own(node, "_SLI");
    if (sli !== undefined) d.sli = mapStatic(sli, toSli);
    return d;
  }
}
