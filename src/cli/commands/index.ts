import type { Command } from "../command.js";
import { simCommand } from "./sim.js";

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [simCommand];
