/**
 * A recursive-descent AML parser (ACPI 6.5 §20 "ACPI Machine Language Specification"). It is a
 * parser, not an interpreter: outside methods it builds the namespace (Scope, Device, Name, ...),
 * descending into load-time If/Else/While blocks and marking what they declare as conditional;
 * method bodies are kept as byte ranges and parsed into statements only on demand.
 *
 * Robustness: every read is bounded by the innermost enclosing package. A malformed construct or
 * an unknown opcode throws `AmlSyntaxError`; the term list that was being read reports it as a
 * diagnostic and resumes after the end of its own package ("skip the enclosing object"). Nesting
 * is capped at MAX_DEPTH so hostile input cannot exhaust the stack.
 */
import type { DiagnosticSink } from "../diagnostics.js";
import { AmlSyntaxError, readNameString, readPkgLength, startsNameString, type NamePath } from "./encoding.js";
import type { Expr } from "./expr.js";
import type { Decl, Namespace, NsNode } from "./namespace.js";
import { EXT_OPCODES, EXTERNAL_METHOD_TYPE, OPCODES, type ObjectKind, type OpInfo } from "./opcodes.js";
import { hex } from "../util/hex.js";
import { HEADER_SIZE } from "../acpi/tables/header.js";

export const MAX_DEPTH = 256;

interface Mode {
  /** Parsing a method body: declarations become statements, not namespace nodes. */
  inMethod: boolean;
  /** Inside a load-time If/Else/While: the block and its offset. */
  conditional?: string;
}

export interface TableContext {
  /** Label used in results and diagnostics ("DSDT", "SSDT2"). */
  label: string;
  bytes: Uint8Array;
  intBits: 32 | 64;
}

export class AmlParser {
  private pos = 0;
  private limit: number;
  private depth = 0;

  constructor(
    private readonly ns: Namespace,
    private readonly table: TableContext,
    private readonly diags: DiagnosticSink,
  ) {
    this.limit = table.bytes.length;
  }

  private get bytes(): Uint8Array { return this.table.bytes; }

  /** Load a whole definition block (the bytes after the 36-byte header) into the namespace. */
  loadDefinitionBlock(): void {
    this.pos = HEADER_SIZE;
    this.termList(this.limit, this.ns.root, { inMethod: false });
  }

  /** Parse a method body into statements (its Names and Devices are local, not added to the namespace). */
  parseMethodBody(start: number, end: number, scope: NsNode): Expr[] {
    this.pos = start;
    this.limit = Math.min(end, this.bytes.length);
    return this.termList(this.limit, scope, { inMethod: true });
  }

  // ---------------------------------------------------------------------------------------------
  // Term lists and error recovery

  private termList(end: number, scope: NsNode, mode: Mode): Expr[] {
    const saved = this.limit;
    this.limit = end;
    const out: Expr[] = [];
    try {
      while (this.pos < end) {
        const t = this.term(scope, mode, true);
        if (mode.inMethod) out.push(t);
      }
    } catch (e) {
      if (!(e instanceof AmlSyntaxError)) throw e;
      this.diags.error(e.code, `${e.message}; skipped the rest of the enclosing object (up to offset ${hex(end)})`, e.offset);
      this.pos = end;
    } finally {
      this.limit = saved;
    }
    return out;
  }

  private enter(at: number): void {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      throw new AmlSyntaxError("AML_TOO_DEEP", `nesting deeper than ${MAX_DEPTH}`, at);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.limit) throw new AmlSyntaxError("AML_TRUNCATED", "object runs past the end of its package or table", this.pos);
  }

  private u8(): number { this.need(1); return this.bytes[this.pos++] ?? 0; }

  /** A little-endian integer of n = 1, 2, 4 or 8 bytes (numbers first: BigInt per byte is slow). */
  private uint(n: number): bigint {
    this.need(n);
    const b = this.bytes;
    const p = this.pos;
    this.pos += n;
    const lo = ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16)) + (b[p + 3] ?? 0) * 0x1000000;
    if (n === 1) return BigInt(b[p] ?? 0);
    if (n === 2) return BigInt((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8));
    if (n === 4) return BigInt(lo);
    const hi = ((b[p + 4] ?? 0) | ((b[p + 5] ?? 0) << 8) | ((b[p + 6] ?? 0) << 16)) + (b[p + 7] ?? 0) * 0x1000000;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  private nameString(): NamePath {
    const { path, next } = readNameString(this.bytes, this.pos, this.limit);
    this.pos = next;
    return path;
  }

  /** A PkgLength whose end may not pass the enclosing package; an overrun is clamped and reported. */
  private pkgEnd(): number {
    const at = this.pos;
    const { end, size } = readPkgLength(this.bytes, this.pos, this.limit);
    this.pos += size;
    if (end > this.limit) {
      this.diags.warning("AML_PKG_OVERRUN", `package ends at ${hex(end)}, past its parent or the table end (${hex(this.limit)}); read up to there`, at);
      return this.limit;
    }
    return end;
  }

  // ---------------------------------------------------------------------------------------------
  // Terms

  /** One term. `invoke`: a NameString here may be a method call (TermArg position). */
  private term(scope: NsNode, mode: Mode, invoke: boolean): Expr {
    const off = this.pos;
    this.enter(off);
    try {
      return this.termInner(scope, mode, invoke, off);
    } finally {
      this.depth--;
    }
  }

  private termInner(scope: NsNode, mode: Mode, invoke: boolean, off: number): Expr {
    const b = this.u8();
    switch (b) {
      case 0x00: return { t: "int", v: 0n, off };
      case 0x01: return { t: "int", v: 1n, off };
      case 0xff: return { t: "int", v: this.table.intBits === 64 ? 0xffffffffffffffffn : 0xffffffffn, off };
      case 0x0a: return { t: "int", v: this.uint(1), off };
      case 0x0b: return { t: "int", v: this.uint(2), off };
      case 0x0c: return { t: "int", v: this.uint(4), off };
      // A QWordConst in a 32-bit namespace keeps its low 32 bits: ACPICA truncates every literal as it
      // makes the object (acpi_ds_init_object_from_op -> acpi_ex_truncate_for32bit_table), when the
      // table loads (Name) and when a method runs (Return): "Truncated 64-bit constant found in 32-bit table".
      case 0x0e: { const v = this.uint(8); return { t: "int", v: this.table.intBits === 32 ? v & 0xffffffffn : v, off }; }
      case 0x0d: return this.stringConst(off);
      case 0x5b: return this.extOp(scope, mode, off);
      default: break;
    }
    if (b >= 0x60 && b <= 0x67) return { t: "local", n: b - 0x60, off };
    if (b >= 0x68 && b <= 0x6e) return { t: "arg", n: b - 0x68, off };
    if (startsNameString(b)) {
      this.pos = off;
      return this.nameOrCall(scope, mode, invoke, off);
    }
    const info = OPCODES.get(b);
    if (info === undefined) throw new AmlSyntaxError("AML_UNKNOWN_OPCODE", `unknown opcode ${hex(b, 2)}`, off);
    if (info.pkg === true) return this.pkgOp(info.name, scope, mode, off);
    return this.fixedOp(info, scope, mode, off);
  }

  private stringConst(off: number): Expr {
    const start = this.pos;
    let p = start;
    while (p < this.limit && this.bytes[p] !== 0) p++;
    if (p >= this.limit) throw new AmlSyntaxError("AML_TRUNCATED", "string has no terminating NUL", off);
    let s = "";
    for (let i = start; i < p; i++) s += String.fromCharCode(this.bytes[i] ?? 0);
    this.pos = p + 1;
    return { t: "str", v: s, off };
  }

  private nameOrCall(scope: NsNode, mode: Mode, invoke: boolean, off: number): Expr {
    const path = this.nameString();
    if (!invoke) return { t: "name", path, off };
    const argc = this.ns.arityOf(scope, path);
    if (argc === undefined || (argc === 0 && !mode.inMethod)) return { t: "name", path, off };
    const args: Expr[] = [];
    for (let i = 0; i < argc; i++) args.push(this.term(scope, mode, true));
    return { t: "call", path, args, off };
  }

  private extOp(scope: NsNode, mode: Mode, off: number): Expr {
    const b = this.u8();
    const info = EXT_OPCODES.get(b);
    if (info === undefined) throw new AmlSyntaxError("AML_UNKNOWN_OPCODE", `unknown opcode 0x5B ${hex(b, 2)}`, off);
    if (info.pkg === true) return this.pkgOp(info.name, scope, mode, off);
    return this.fixedOp(info, scope, mode, off);
  }

  /** An opcode with fixed arguments; creates a namespace object when the opcode declares one. */
  private fixedOp(info: OpInfo, scope: NsNode, mode: Mode, off: number): Expr {
    const args: Expr[] = [];
    const names: NamePath[] = [];
    for (const a of info.args) {
      switch (a) {
        case "T": args.push(this.term(scope, mode, true)); break;
        case "S": args.push(this.superName(scope, mode)); break;
        case "R": args.push(this.target(scope, mode)); break;
        case "N": { const p = this.nameString(); names.push(p); args.push({ t: "name", path: p, off: this.pos }); break; }
        case "b": args.push({ t: "int", v: this.uint(1), off: this.pos - 1 }); break;
        case "w": args.push({ t: "int", v: this.uint(2), off: this.pos - 2 }); break;
        case "d": args.push({ t: "int", v: this.uint(4), off: this.pos - 4 }); break;
        default: throw new Error(`bad opcode table entry ${info.name}`);
      }
    }
    if (info.creates !== undefined) {
      if (mode.inMethod) return { t: "decl", kind: info.creates.kind, off };
      this.declareFixed(info, args, scope, mode, off);
    }
    return { t: "op", op: info.name, args, off };
  }

  private declareFixed(info: OpInfo, args: Expr[], scope: NsNode, mode: Mode, off: number): void {
    const created = info.creates;
    const nameArg = created === undefined ? undefined : args[created.arg];
    if (created === undefined || nameArg?.t !== "name") return;
    const node = this.ns.declare(scope, nameArg.path, off);
    const decl = this.decl(created.kind, off, mode);
    if (created.kind === "Name") { const v = args[1]; if (v !== undefined) decl.value = v; }
    if (created.kind === "External") {
      const type = args[1]?.t === "int" ? Number(args[1].v) : 0;
      const argc = args[2]?.t === "int" ? Number(args[2].v) : 0;
      decl.externalType = type;
      decl.externalArgs = argc;
      if (type === EXTERNAL_METHOD_TYPE) this.ns.setArity(node, argc & 7);
    }
    if (created.kind === "Alias") {
      const target = args[0];
      if (target?.t === "name") decl.aliasOf = { path: target.path, scope };
    }
    node.decls.push(decl);
  }

  private decl(kind: ObjectKind, offset: number, mode: Mode): Decl {
    const d: Decl = { kind, table: this.table.label, offset };
    if (mode.conditional !== undefined) d.conditional = mode.conditional;
    return d;
  }

  /** SuperName: a name is a reference, never a call (§20.2.5.4). */
  private superName(scope: NsNode, mode: Mode): Expr {
    const b = this.bytes[this.pos];
    if (b !== undefined && startsNameString(b)) {
      const off = this.pos;
      return { t: "name", path: this.nameString(), off };
    }
    return this.term(scope, mode, false);
  }

  /** Target: a SuperName or NullName (0x00, "no target"). */
  private target(scope: NsNode, mode: Mode): Expr {
    if (this.pos < this.limit && this.bytes[this.pos] === 0x00) return { t: "null", off: this.pos++ };
    return this.superName(scope, mode);
  }

  // ---------------------------------------------------------------------------------------------
  // Opcodes with a PkgLength

  private pkgOp(name: string, scope: NsNode, mode: Mode, off: number): Expr {
    const end = this.pkgEnd();
    const saved = this.limit;
    this.limit = end;
    try {
      switch (name) {
        case "Buffer": return this.buffer(scope, mode, end, off);
        case "Package":
        case "VarPackage": return this.pkg(name, scope, mode, end, off);
        case "Method": return this.method(scope, mode, end, off);
        case "If":
        case "While": {
          const pred = this.term(scope, mode, true);
          return this.block(name, pred, scope, mode, end, off);
        }
        case "Else": return this.block(name, undefined, scope, mode, end, off);
        case "Field": this.nameString(); this.u8(); return this.fieldList(scope, mode, end, off);
        case "IndexField": this.nameString(); this.nameString(); this.u8(); return this.fieldList(scope, mode, end, off);
        case "BankField": {
          this.nameString(); this.nameString(); this.term(scope, mode, true); this.u8();
          return this.fieldList(scope, mode, end, off);
        }
        default: return this.namedScope(name as ObjectKind, scope, mode, end, off);
      }
    } finally {
      this.limit = saved;
      this.pos = end;
    }
  }

  private buffer(scope: NsNode, mode: Mode, end: number, off: number): Expr {
    const size = this.term(scope, mode, true);
    const bytes = this.bytes.subarray(this.pos, end);
    return { t: "buf", size, bytes, off };
  }

  private pkg(name: string, scope: NsNode, mode: Mode, end: number, off: number): Expr {
    const count: Expr = name === "Package" ? { t: "int", v: BigInt(this.u8()), off: this.pos - 1 } : this.term(scope, mode, true);
    const elems: Expr[] = [];
    // PackageElement := DataRefObject | NameString: names are references, never calls.
    while (this.pos < end) elems.push(this.term(scope, mode, false));
    return { t: "pkg", count, elems, off };
  }

  private method(scope: NsNode, mode: Mode, end: number, off: number): Expr {
    const path = this.nameString();
    const flags = this.u8();
    if (mode.inMethod) return { t: "decl", kind: "Method", off };
    const node = this.ns.declare(scope, path, off);
    const d = this.decl("Method", off, mode);
    d.method = { argCount: flags & 7, serialized: (flags & 8) !== 0, bytes: this.bytes, start: this.pos, end, intBits: this.table.intBits };
    node.decls.push(d);
    this.ns.setArity(node, flags & 7);
    return { t: "decl", kind: "Method", off };
  }

  private block(op: "If" | "Else" | "While", pred: Expr | undefined, scope: NsNode, mode: Mode, end: number, off: number): Expr {
    if (mode.inMethod) {
      const body = this.termList(end, scope, mode);
      return pred === undefined ? { t: "block", op, body, off } : { t: "block", op, pred, body, off };
    }
    // Load-time code: ACPICA executes it while loading; we descend into every branch and mark
    // what it declares as conditional, because which branch runs is not known statically.
    const where = `${op} at offset ${hex(off)}`;
    this.termList(end, scope, { inMethod: false, conditional: mode.conditional ?? where });
    return { t: "block", op, body: [], off };
  }

  /** Scope, Device, Processor, PowerResource, ThermalZone: a name, fixed fields, then a TermList. */
  private namedScope(kind: ObjectKind, scope: NsNode, mode: Mode, end: number, off: number): Expr {
    const path = this.nameString();
    if (kind === "Processor") { this.uint(1); this.uint(4); this.uint(1); }
    if (kind === "PowerResource") { this.uint(1); this.uint(2); }
    if (mode.inMethod) {
      this.termList(end, scope, mode);
      return { t: "decl", kind, off };
    }
    let node: NsNode;
    if (kind === "Scope") {
      // Scope refers to an existing object (search rules apply); open it, creating it if absent.
      node = this.ns.lookup(scope, path) ?? this.ns.declare(scope, path, off);
    } else node = this.ns.declare(scope, path, off);
    node.decls.push(this.decl(kind, off, mode));
    this.termList(end, node, mode);
    return { t: "decl", kind, off };
  }

  /** FieldList (§20.2.5.2): named fields become Field objects in the enclosing scope. */
  private fieldList(scope: NsNode, mode: Mode, end: number, off: number): Expr {
    while (this.pos < end) {
      const at = this.pos;
      const b = this.bytes[this.pos] ?? 0;
      if (b === 0x00) { this.pos++; this.skipPkgLengthValue(); }
      else if (b === 0x01) this.pos += 3;
      else if (b === 0x03) this.pos += 4;
      else if (b === 0x02) {
        this.pos++;
        if (this.bytes[this.pos] === 0x11) this.term(scope, mode, false);
        else this.nameString();
      } else {
        const { path, next } = readNameString(this.bytes, this.pos, end);
        if (path.segments.length !== 1 || path.absolute || path.parents > 0) throw new AmlSyntaxError("AML_BAD_FIELD", "field name is not a NameSeg", at);
        this.pos = next;
        this.skipPkgLengthValue();
        if (!mode.inMethod) this.ns.declare(scope, path, at).decls.push(this.decl("Field", at, mode));
      }
      if (this.pos > end) throw new AmlSyntaxError("AML_TRUNCATED", "field list runs past its package", at);
    }
    return { t: "decl", kind: "Field", off };
  }

  /** A field's bit width is encoded like a PkgLength but is a plain number, not an end offset. */
  private skipPkgLengthValue(): void {
    const lead = this.u8();
    this.need(lead >> 6);
    this.pos += lead >> 6;
  }
}

