/**
 * Field readers for scenario steps: each returns the typed value or throws a one-line UsageError
 * naming the step ("step 3 (populate_physmap): nr_extents must be …"). Shared by the built-in
 * ops and by ops other layers register.
 */
import { UsageError, type Location } from "../../errors.js";

export type Json = Record<string, unknown>;

export class FieldReader {
  constructor(readonly json: Json, readonly where: string, readonly loc: Location = {}) {}

  fail(msg: string): never {
    throw new UsageError(`${this.where}: ${msg}`, this.loc, "E_SIM_SCENARIO");
  }

  /** Reject fields the op does not know (typos must not be silently ignored). */
  only(keys: readonly string[]): void {
    for (const k of Object.keys(this.json)) {
      if (k !== "op" && k !== "expect" && !keys.includes(k)) this.fail(`unknown field "${k}"`);
    }
  }

  uint(key: string, max = 2 ** 32 - 1): number {
    const v = this.json[key];
    if (v === undefined) this.fail(`missing "${key}"`);
    return this.checkUint(v, key, max);
  }

  optUint(key: string, max = 2 ** 32 - 1): number | undefined {
    const v = this.json[key];
    return v === undefined ? undefined : this.checkUint(v, key, max);
  }

  checkUint(v: unknown, what: string, max: number): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) this.fail(`${what} must be an integer in 0..${max}`);
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.json[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(`${key} must be true or false`);
    return v;
  }

  /** A list of non-negative integers, or "all". */
  optSetOrAll(key: string, max: number): number[] | "all" | undefined {
    const v = this.json[key];
    if (v === undefined) return undefined;
    return this.setOrAll(v, key, max);
  }

  setOrAll(v: unknown, what: string, max: number): number[] | "all" {
    if (v === "all") return "all";
    if (!Array.isArray(v)) this.fail(`${what} must be an array of integers or "all"`);
    return v.map((x: unknown) => this.checkUint(x, `${what}[]`, max));
  }

  optObject(key: string): FieldReader | undefined {
    const v = this.json[key];
    if (v === undefined) return undefined;
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(`${key} must be an object`);
    return new FieldReader(v as Json, `${this.where}: ${key}`, this.loc);
  }

  array(key: string): unknown[] {
    const v = this.json[key];
    if (!Array.isArray(v)) this.fail(`${key} must be an array`);
    return v;
  }
}
