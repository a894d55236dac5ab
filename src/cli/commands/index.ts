import type { Command } from "../command.js";
import { decode } from "./decode.js";
import { diff } from "./diff.js";
import { dump, extract } from "./dump.js";
import { namespace } from "./namespace.js";
import { report } from "./report.js";
import { scan } from "./scan.js";
import { simCommand } from "./sim.js";
import { synth } from "./synth.js";
import { topology } from "./topology.js";
import { validate } from "./validate.js";

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [decode, dump, extract, namespace, topology, validate, report, scan, diff, synth, simCommand];
