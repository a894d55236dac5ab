/** Where the repository is, for tests that read its own files (samples/, schema/, fixtures). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A path inside the repository. */
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);
