import type { Command } from "../command.js";
import { decode } from "./decode.js";

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [decode];
