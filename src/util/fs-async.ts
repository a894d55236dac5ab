/**
 * The file calls numakit's commands make for their outputs (stat, write, mkdir, symlink), as
 * promises made from Node's callback API. Importing node:fs/promises loads Node's FileHandle,
 * stream and readline modules, a millisecond or two of every CLI start (issue 19), and none of
 * these calls needs them. Code that needs a FileHandle (scan's line-by-line output, the fleet
 * walker) keeps node:fs/promises; sources are read synchronously (src/acpi/sources/load.ts says why).
 */
import * as fs from "node:fs";
import { promisify } from "node:util";

export const stat = promisify(fs.stat);
export const writeFile = promisify(fs.writeFile);
export const mkdir = promisify(fs.mkdir);
export const symlink = promisify(fs.symlink);
