/**
 * The AML opcode table (ACPI 6.5 §20.2.5 "Term Objects Encoding" and §20.3 "AML Byte Stream Byte
 * Values"). Each entry names the opcode as ASL writes it and spells its fixed arguments, so the
 * parser can step over any expression without knowing what it computes.
 *
 * Argument letters:
 *   T  TermArg (an expression; a NameString here may be a method call)
 *   S  SuperName (a name, local, arg, Debug or reference expression; a name is never invoked)
 *   R  Target (a SuperName, or NullName 0x00 meaning "no target")
 *   N  NameString (raw, never invoked)
 *   b/w/d  a byte / word / dword constant
 * Opcodes that carry a PkgLength (Scope, Device, Method, If, Buffer, Package, Field, ...) are
 * parsed by dedicated code in parser.ts and are listed here only with `pkg: true`.
 */

/** Object kinds a named-object opcode creates in the namespace. */
export type ObjectKind =
  | "Scope" | "Device" | "Processor" | "PowerResource" | "ThermalZone" | "Method" | "Name" | "Alias"
  | "External" | "OperationRegion" | "Field" | "Mutex" | "Event" | "BufferField" | "DataRegion";

export interface OpInfo {
  name: string;
  args: string;
  /** Carries a PkgLength right after the opcode. */
  pkg?: boolean;
  /** Creates a named object: which argument (index into args) is its name, and of what kind. */
  creates?: { arg: number; kind: ObjectKind };
}

const op = (name: string, args = "", extra: Partial<OpInfo> = {}): OpInfo => ({ name, args, ...extra });
const pkg = (name: string): OpInfo => ({ name, args: "", pkg: true });

/** Single-byte opcodes (names, data prefixes, locals and args are handled by the parser). */
export const OPCODES: ReadonlyMap<number, OpInfo> = new Map<number, OpInfo>([
  [0x06, op("Alias", "NN", { creates: { arg: 1, kind: "Alias" } })],
  [0x08, op("Name", "NT", { creates: { arg: 0, kind: "Name" } })],
  [0x10, pkg("Scope")],
  [0x11, pkg("Buffer")],
  [0x12, pkg("Package")],
  [0x13, pkg("VarPackage")],
  [0x14, pkg("Method")],
  [0x15, op("External", "Nbb", { creates: { arg: 0, kind: "External" } })],
  [0x70, op("Store", "TS")],
  [0x71, op("RefOf", "S")],
  [0x72, op("Add", "TTR")],
  [0x73, op("Concatenate", "TTR")],
  [0x74, op("Subtract", "TTR")],
  [0x75, op("Increment", "S")],
  [0x76, op("Decrement", "S")],
  [0x77, op("Multiply", "TTR")],
  [0x78, op("Divide", "TTRR")],
  [0x79, op("ShiftLeft", "TTR")],
  [0x7a, op("ShiftRight", "TTR")],
  [0x7b, op("And", "TTR")],
  [0x7c, op("NAnd", "TTR")],
  [0x7d, op("Or", "TTR")],
  [0x7e, op("NOr", "TTR")],
  [0x7f, op("XOr", "TTR")],
  [0x80, op("Not", "TR")],
  [0x81, op("FindSetLeftBit", "TR")],
  [0x82, op("FindSetRightBit", "TR")],
  [0x83, op("DerefOf", "T")],
  [0x84, op("ConcatenateResTemplate", "TTR")],
  [0x85, op("Mod", "TTR")],
  [0x86, op("Notify", "ST")],
  [0x87, op("SizeOf", "S")],
  [0x88, op("Index", "TTR")],
  [0x89, op("Match", "TbTbTT")],
  [0x8a, op("CreateDWordField", "TTN", { creates: { arg: 2, kind: "BufferField" } })],
  [0x8b, op("CreateWordField", "TTN", { creates: { arg: 2, kind: "BufferField" } })],
  [0x8c, op("CreateByteField", "TTN", { creates: { arg: 2, kind: "BufferField" } })],
  [0x8d, op("CreateBitField", "TTN", { creates: { arg: 2, kind: "BufferField" } })],
  [0x8e, op("ObjectType", "S")],
  [0x8f, op("CreateQWordField", "TTN", { creates: { arg: 2, kind: "BufferField" } })],
  [0x90, op("LAnd", "TT")],
  [0x91, op("LOr", "TT")],
  [0x92, op("LNot", "T")],
  [0x93, op("LEqual", "TT")],
  [0x94, op("LGreater", "TT")],
  [0x95, op("LLess", "TT")],
  [0x96, op("ToBuffer", "TR")],
  [0x97, op("ToDecimalString", "TR")],
  [0x98, op("ToHexString", "TR")],
  [0x99, op("ToInteger", "TR")],
  [0x9c, op("ToString", "TTR")],
  [0x9d, op("CopyObject", "TS")],
  [0x9e, op("Mid", "TTTR")],
  [0x9f, op("Continue")],
  [0xa0, pkg("If")],
  [0xa1, pkg("Else")],
  [0xa2, pkg("While")],
  [0xa3, op("Noop")],
  [0xa4, op("Return", "T")],
  [0xa5, op("Break")],
  [0xcc, op("BreakPoint")],
]);

/** Two-byte opcodes 0x5B xx (ExtOpPrefix). */
export const EXT_OPCODES: ReadonlyMap<number, OpInfo> = new Map<number, OpInfo>([
  [0x01, op("Mutex", "Nb", { creates: { arg: 0, kind: "Mutex" } })],
  [0x02, op("Event", "N", { creates: { arg: 0, kind: "Event" } })],
  [0x12, op("CondRefOf", "SR")],
  [0x13, op("CreateField", "TTTN", { creates: { arg: 3, kind: "BufferField" } })],
  [0x1f, op("LoadTable", "TTTTTT")],
  [0x20, op("Load", "NR")],
  [0x21, op("Stall", "T")],
  [0x22, op("Sleep", "T")],
  [0x23, op("Acquire", "Sw")],
  [0x24, op("Signal", "S")],
  [0x25, op("Wait", "ST")],
  [0x26, op("Reset", "S")],
  [0x27, op("Release", "S")],
  [0x28, op("FromBCD", "TR")],
  [0x29, op("ToBCD", "TR")],
  [0x2a, op("Unload", "S")],
  [0x30, op("Revision")],
  [0x31, op("Debug")],
  [0x32, op("Fatal", "bdT")],
  [0x33, op("Timer")],
  [0x80, op("OperationRegion", "NbTT", { creates: { arg: 0, kind: "OperationRegion" } })],
  [0x81, pkg("Field")],
  [0x82, pkg("Device")],
  [0x83, pkg("Processor")],
  [0x84, pkg("PowerResource")],
  [0x85, pkg("ThermalZone")],
  [0x86, pkg("IndexField")],
  [0x87, pkg("BankField")],
  [0x88, op("DataRegion", "NTTT", { creates: { arg: 0, kind: "DataRegion" } })],
]);

/** External's ObjectType byte (ACPI 6.5 §19.6.45, ObjectTypeKeyword values). 8 = MethodObj. */
export const EXTERNAL_METHOD_TYPE = 8;
