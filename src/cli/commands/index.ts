import type { Command } from "../command.js";
import { decode } from "./decode.js";
import { namespace } from "./namespace.js";

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [decode, namespace];
