// binary-parser 2.3.0 ships types but no "types" export condition, so nodenext cannot find them.
declare module "binary-parser" {
  export { Parser } from "binary-parser/dist/binary_parser.js";
}
