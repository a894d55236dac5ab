/**
 * Usage errors in numakit's own words. yargs reports problems in its wording ("Unknown argument:
 * bogus", "Not enough arguments following: table"); a user gets one line saying what is wrong in
 * the command line they typed, and which --help to read.
 */
import { closest } from "../util/did-you-mean.js";

export interface UsageContext {
  /** The command line as typed (after the program name). */
  argv: readonly string[];
  /** Known command names. */
  commands: readonly string[];
  /** What each command's required positional is, e.g. sim → "a SCENARIO file" (a list: by how many were given). */
  needs: ReadonlyMap<string, string | readonly string[]>;
}

/** What numakit answers without a command. */
const TOP_LEVEL_OPTIONS = ["--help", "-h", "--version"];

/** The command the user named: the first word that is not an option (top-level options take no value). */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith("-") || a === "-");
}

function helpFor(ctx: UsageContext): string {
  const cmd = commandOf(ctx.argv);
  return cmd !== undefined && ctx.commands.includes(cmd) ? `numakit ${cmd} --help` : "numakit --help";
}

/** "unknown command frobnicate (did you mean …?)", or undefined when the first word is a command. */
export function unknownCommand(ctx: UsageContext, extra: readonly string[]): string | undefined {
  if (ctx.argv.some((a) => extra.includes(a) && a.startsWith("-"))) return undefined;
  const cmd = commandOf(ctx.argv);
  if (cmd === undefined) {
    // No command, but an option yargs would only answer with "name a command".
    const opt = ctx.argv.find((a) => a.startsWith("-") && !extra.includes(a) && !TOP_LEVEL_OPTIONS.includes(a));
    return opt === undefined ? undefined : `unknown option ${opt.split("=")[0] ?? opt} (see numakit --help)`;
  }
  if (ctx.commands.includes(cmd) || extra.includes(cmd)) return undefined;
  // "numakit --numbering xen topology X": the first word is an option's value, the command comes
  // later. Options belong to their command (which option takes a value is known only there).
  const at = ctx.argv.indexOf(cmd);
  const later = ctx.argv.findIndex((a, i) => i > at && ctx.commands.includes(a));
  if (at > 0 && later > 0) {
    const named = ctx.argv[later] ?? "";
    const fixed = [named, ...ctx.argv.slice(0, later), ...ctx.argv.slice(later + 1)].map(shellWord).join(" ");
    return `options go after the command: numakit ${fixed} (see numakit ${named} --help)`;
  }
  const guess = closest(cmd, ctx.commands);
  return `unknown command ${cmd}${guess === undefined ? "" : `; did you mean ${guess}?`} (see numakit --help)`;
}

/** A word as a shell would need it typed: as is when plain, else single-quoted (the error's oneLine() shows control characters). */
function shellWord(w: string): string {
  if (/^[\w@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, "'\\''")}'`;
}

/** How the user spelled an option yargs names without dashes: "--bogus", "-x", or undefined (a stray word). */
function spelledOption(name: string, argv: readonly string[]): string | undefined {
  for (const a of argv) {
    const flag = a.split("=")[0] ?? a;
    if (flag === `--${name}` || flag === `-${name}`) return flag;
    // A short-option group ("-xz") reports each letter.
    if (name.length === 1 && /^-[A-Za-z]+$/.test(a) && a.includes(name)) return `-${name}`;
  }
  return undefined;
}

function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** yargs' failure message → one line in the project's words, ending with where to read more. */
export function usageMessage(msg: string, ctx: UsageContext): string {
  const see = `see ${helpFor(ctx)}`;
  const cmd = commandOf(ctx.argv);
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (unknown !== null) {
    const what = (unknown[1] ?? "").split(", ").map((n) => {
      const opt = spelledOption(n, ctx.argv);
      return opt === undefined ? `unexpected argument ${n}` : `unknown option ${opt}`;
    });
    return `${what.join("; ")} (${see})`;
  }
  const noValue = /^Not enough arguments following: (.*)$/s.exec(msg);
  if (noValue !== null) return `${flag(noValue[1] ?? "")} needs a value (${see})`;
  if (/^Not enough non-option arguments/.test(msg)) {
    const spec = cmd === undefined ? undefined : ctx.needs.get(cmd);
    const got = Number(/got (\d+)/.exec(msg)?.[1] ?? 0);
    const needs = typeof spec === "string" || spec === undefined ? spec : spec[Math.min(got, spec.length - 1)];
    return needs === undefined ? `name a command (${see})` : `${cmd ?? ""} needs ${needs} (${see})`;
  }
  const missing = /^Missing required arguments?: (.*)$/s.exec(msg);
  if (missing !== null) return `${cmd ?? "numakit"} needs ${(missing[1] ?? "").split(", ").map(flag).join(", ")} (${see})`;
  const invalid = /Argument: (\S+), Given: (.*), Choices: (.*)$/s.exec(msg);
  if (invalid !== null) {
    const choices = (invalid[3] ?? "").split(/,\s*/).map((c) => c.replace(/^"|"$/g, "")).join(", ");
    return `${flag(invalid[1] ?? "")} must be one of ${choices}, not ${invalid[2] ?? ""} (${see})`;
  }
  return `${msg.replace(/\s*\n\s*/g, " ")} (${see})`;
}
