/**
 * Lets Node.js run the TypeScript sources as they are, without a transpiler: Node.js 24 strips the types itself
 * (erasable syntax only, which tsconfig's erasableSyntaxOnly holds the sources to), and this hook resolves the `.js`
 * that the sources import by (NodeNext style) to the `.ts` file beside it. `npm start` and `npm run mamori` load it
 * with --import: tsx transformed every module again on each start, about a third of the CPU time before the service
 * could listen. Node's compile cache keeps the compiled code between starts, next to the installed dependencies
 * (a read-only install only goes without it).
 */
import { enableCompileCache, registerHooks } from "node:module";

enableCompileCache(new URL("../../node_modules/.cache/mamori-compile-cache", import.meta.url).pathname);

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      try {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      } catch {
        // A JavaScript module after all: resolved as written below.
      }
    }
    return nextResolve(specifier, context);
  },
});
