/** Types of eslint.layers.js (flat-config objects), for the architecture test. */
import type { Linter } from "eslint";
export declare const layerRules: Linter.Config[];
