/** True in Node (and Node-like runtimes exposing `process.versions.node`); false in browsers and web workers. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}
