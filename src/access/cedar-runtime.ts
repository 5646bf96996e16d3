import v8 from "node:v8";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";

// Every Cedar decision is a call from JavaScript into WebAssembly. V8 11.3 (Node.js 20) inlines such calls into
// optimized callers, and when one of those callers is deoptimized while the Wasm call is on the stack, V8 aborts the
// whole process ("unreachable code" in Deoptimizer::DoComputeBuiltinContinuation). It happened under sustained
// record writes, every few thousand decisions. Not inlining these calls costs a few nanoseconds per decision; the flag
// only governs code optimized from now on, and this module loads before any decision is made.
v8.setFlagsFromString("--no-turbo-inline-js-wasm-calls");

/** The Cedar engine (WebAssembly), loaded with the engine settings above applied. */
export { cedar };
