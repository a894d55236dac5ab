/**
 * The file calls numakit makes on the way to a result (stat, read, list, write), as promises made
 * from Node's callback API. Importing node:fs/promises loads Node's FileHandle, stream and readline
 * modules, a millisecond or two of every CLI start (issue 19), and none of these calls needs them.
 * Code that needs a FileHandle (scan's line-by-line output, the fleet walker) keeps node:fs/promises.
 */
import * as fs from "node:fs";
import { promisify } from "node:util";

export const stat = promisify(fs.stat);
export const readFile = promisify(fs.readFile);
export const readdir = promisify(fs.readdir);
export const writeFile = promisify(fs.writeFile);
export const mkdir = promisify(fs.mkdir);
export const symlink = promisify(fs.symlink);
