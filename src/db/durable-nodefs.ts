import { fsyncSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

/** What the emscripten module's Node.js file system shows of an open file: the real descriptor behind it. */
interface NodeFsStream {
  nfd?: number;
}
interface NodeFsModule {
  NODEFS: { stream_ops: { fsync?: (stream: NodeFsStream) => number } };
}

/**
 * PGlite's Node.js file system with a working fsync. PGlite starts PostgreSQL with fsync off (`-F`), and the
 * emscripten Node.js file system it mounts has no fsync at all, so an acknowledged commit sat in the operating
 * system's cache: a power cut or a kernel crash could lose it and its audit entry. Here fsync reaches the real file
 * (and directory) descriptor, PostgreSQL runs with fsync on, and the WAL is flushed with fsync(), which emscripten
 * routes to the file system (its fdatasync is a no-op): each commit is on disk before it is acknowledged, and a
 * checkpoint syncs the data files before the WAL it replaces is recycled.
 */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS["init"]>[1]): ReturnType<NodeFS["init"]> {
    const result = await super.init(pg, opts);
    const preRun = result.emscriptenOpts.preRun ?? [];
    const addFsync = (module: unknown) => {
      (module as NodeFsModule).NODEFS.stream_ops.fsync = (stream) => {
        if (stream.nfd !== undefined) fsyncSync(stream.nfd);
        return 0;
      };
    };
    result.emscriptenOpts.preRun = [addFsync, ...(Array.isArray(preRun) ? preRun : [preRun])] as typeof preRun;
    return result;
  }
}

/** PGlite's start parameters with fsync on and the WAL flushed by fsync() (see DurableNodeFS). */
export function durableStartParams(): string[] {
  const defaults = (PGlite as unknown as { defaultStartParams: readonly string[] }).defaultStartParams;
  return [...defaults.filter((parameter) => parameter !== "-F"), "-c", "wal_sync_method=fsync"];
}
