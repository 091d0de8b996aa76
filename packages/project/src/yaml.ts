/**
 * yaml, for this package only: every file here imports it through this module. Built, dist/yaml.js
 * is one minified bundle of what is named here (scripts/bundle-deps.mjs): ~70 modules load as one.
 */
export { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, visit, YAMLMap, YAMLParseError, type Pair } from "yaml";
