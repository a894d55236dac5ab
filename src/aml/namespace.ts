/**
 * The ACPI namespace tree that every DSDT and SSDT adds to (ACPI 6.5 §5.3 "ACPI Namespace").
 * A node is one 4-character NameSeg; each definition that names it is kept as a `Decl`, so an
 * object declared twice (in If and Else branches, or by an External and its definition) keeps
 * both, with their table and offset.
 */
import type { NamePath } from "./encoding.js";
import { AmlSyntaxError, formatSegments } from "./encoding.js";
import type { ObjectKind } from "./opcodes.js";
import type { Expr } from "./expr.js";

/** A method body as bytes; parsed only when a value is asked for (see evaluate.ts). */
export interface MethodBody {
  argCount: number;
  serialized: boolean;
  bytes: Uint8Array;
  start: number;
  end: number;
  /** Integer width of the defining table (32 for revision < 2, §19.6.102 DefinitionBlock). */
  intBits: 32 | 64;
}

export interface Decl {
  kind: ObjectKind;
  /** Label of the defining table ("DSDT", "SSDT2"). */
  table: string;
  /** Table-relative offset of the defining opcode. */
  offset: number;
  /** Set when declared inside an If/Else/While block at load time: which one and where. */
  conditional?: string;
  /** Name: the data object. */
  value?: Expr;
  method?: MethodBody;
  /** External: the declared ObjectType and, for methods, the argument count. */
  externalType?: number;
  externalArgs?: number;
  /** Alias: the target as written, resolved when evaluated. */
  aliasOf?: { path: NamePath; scope: NsNode };
}

/**
 * Deepest node below the root. Term nesting is capped separately (parser.ts MAX_DEPTH), but each
 * nested Scope or Device may name a path of up to 255 segments, so without this cap 200 KiB of AML
 * builds a chain 50 000 nodes deep: every device path and _PXM inheritance walk then costs that
 * much (quadratic time, and a recursion deeper than the stack). Real namespaces are < 20 deep.
 */
export const MAX_NAMESPACE_DEPTH = 256;

/**
 * Most names one host's AML may create: 2^18. The largest real namespace in the corpus has about
 * 10 000 (a Supermicro X10DAi's DSDT and SSDTs). Each name costs a few KiB by the time devices
 * are read, and a 5.6 MB DSDT of 400 000 devices (800 000 names) was 0.93 GB: the 256 MiB a source
 * may hold would end Node out of heap. Past it, loading stops with AML_NAMESPACE_FULL.
 */
export const MAX_NAMESPACE_NODES = 1 << 18;

/** Thrown when a declaration would pass the namespace's node limit: the loader stops there. */
export class NamespaceFull extends Error {
  constructor(readonly limit: number, readonly offset: number) {
    super(`more than ${limit} names in the namespace`);
    this.name = "NamespaceFull";
  }
}

export class NsNode {
  readonly children = new Map<string, NsNode>();
  readonly decls: Decl[] = [];
  /** Segments from the root (the root is 0). */
  readonly depth: number;
  constructor(
    readonly seg: string,
    readonly parent: NsNode | undefined,
  ) {
    this.depth = parent === undefined ? 0 : parent.depth + 1;
  }

  get segments(): string[] {
    if (this.parent === undefined) return [];
    const out = [this.seg];
    for (let n = this.parent; n.parent !== undefined; n = n.parent) out.push(n.seg);
    return out.reverse();
  }

  get path(): string {
    return this.parent === undefined ? "\\" : formatSegments(this.segments);
  }

  /** The object's kind: its first real definition; a node only opened by Scope/External is a "Scope". */
  get kind(): ObjectKind {
    const real = this.decls.find((d) => d.kind !== "Scope" && d.kind !== "External");
    return real?.kind ?? this.decls.find((d) => d.kind === "External")?.kind ?? "Scope";
  }

  /** The definitions that carry a value (everything but Scope openings and Externals). */
  get definitions(): Decl[] {
    return this.decls.filter((d) => d.kind !== "Scope" && d.kind !== "External");
  }
}

/** Names ACPICA creates before loading the DSDT (acpica `AcpiGbl_PreDefinedNames`). */
const PREDEFINED_SCOPES = ["_GPE", "_PR_", "_SB_", "_SI_", "_TZ_"];

export class Namespace {
  readonly root = new NsNode("", undefined);
  /** Method argument counts by node, from definitions and External(…, MethodObj, n). */
  private readonly arity = new Map<NsNode, number>();
  private nodeCount = 0;

  constructor(readonly maxNodes = MAX_NAMESPACE_NODES) {
    for (const s of PREDEFINED_SCOPES) this.child(this.root, s, 0);
  }

  get size(): number { return this.nodeCount; }

  private child(parent: NsNode, seg: string, at: number): NsNode {
    let n = parent.children.get(seg);
    if (n === undefined) {
      if (this.nodeCount === this.maxNodes) throw new NamespaceFull(this.maxNodes, at);
      this.nodeCount++;
      n = new NsNode(seg, parent);
      parent.children.set(seg, n);
    }
    return n;
  }

  /** The node a path starts from: root, or `scope` climbed by the `^` prefixes (stopping at root). */
  private base(scope: NsNode, path: NamePath): NsNode {
    if (path.absolute) return this.root;
    let n = scope;
    for (let i = 0; i < path.parents && n.parent !== undefined; i++) n = n.parent;
    return n;
  }

  /**
   * Resolve a path for a declaration, creating missing nodes (no search rules, §5.3). `at` is the
   * declaring opcode's offset, for the AML_TOO_DEEP error past MAX_NAMESPACE_DEPTH.
   */
  declare(scope: NsNode, path: NamePath, at: number): NsNode {
    let n = this.base(scope, path);
    if (n.depth + path.segments.length > MAX_NAMESPACE_DEPTH) {
      throw new AmlSyntaxError("AML_TOO_DEEP", `namespace path deeper than ${MAX_NAMESPACE_DEPTH} segments`, at);
    }
    for (const s of path.segments) n = this.child(n, s, at);
    return n;
  }

  /**
   * Resolve a reference. A single NameSeg without prefixes uses the namespace search rules
   * (§5.3: the current scope, then each parent up to the root); anything else is exact.
   */
  lookup(scope: NsNode, path: NamePath): NsNode | undefined {
    const [first] = path.segments;
    if (!path.absolute && path.parents === 0 && path.segments.length === 1 && first !== undefined) {
      for (let n: NsNode | undefined = scope; n !== undefined; n = n.parent) {
        const hit = n.children.get(first);
        if (hit !== undefined) return hit;
      }
      return undefined;
    }
    let n: NsNode | undefined = this.base(scope, path);
    for (const s of path.segments) {
      n = n.children.get(s);
      if (n === undefined) return undefined;
    }
    return n;
  }

  setArity(node: NsNode, argCount: number): void {
    if (!this.arity.has(node)) this.arity.set(node, argCount);
  }

  /** Argument count of the method a name refers to, or undefined when it is not a known method. */
  arityOf(scope: NsNode, path: NamePath): number | undefined {
    const n = this.lookup(scope, path);
    return n === undefined ? undefined : this.arity.get(n);
  }

  /** Depth-first walk in declaration order. */
  *walk(from: NsNode = this.root): Generator<NsNode> {
    const stack: NsNode[] = [from];
    while (stack.length > 0) {
      const n = stack.pop();
      if (n === undefined) break;
      yield n;
      const kids = [...n.children.values()];
      for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k !== undefined) stack.push(k); }
    }
  }
}
