/**
 * The parsed form of AML expressions and statements. The parser keeps just enough structure for
 * the static evaluator to tell a constant from something that needs an interpreter.
 */
/* c8 ignore start -- types only: nothing to execute */
import type { NamePath } from "./encoding.js";
import type { ObjectKind } from "./opcodes.js";

export type Expr =
  | { t: "int"; v: bigint; off: number }
  | { t: "str"; v: string; off: number }
  /** `bytes` is a view into the table (no copy); `size` is the BufferSize expression. */
  | { t: "buf"; size: Expr; bytes: Uint8Array; off: number }
  | { t: "pkg"; count: Expr; elems: Expr[]; off: number }
  | { t: "name"; path: NamePath; off: number }
  | { t: "call"; path: NamePath; args: Expr[]; off: number }
  | { t: "local"; n: number; off: number }
  | { t: "arg"; n: number; off: number }
  | { t: "null"; off: number }
  /** If/Else/While with their bodies (method mode only). */
  | { t: "block"; op: "If" | "Else" | "While"; pred?: Expr; body: Expr[]; off: number }
  /** A named-object declaration inside a method body (not added to the namespace). */
  | { t: "decl"; kind: ObjectKind; off: number }
  /** Any other opcode: Add, Store, Return, DerefOf, Revision, Debug, ... */
  | { t: "op"; op: string; args: Expr[]; off: number };
/* c8 ignore stop */
