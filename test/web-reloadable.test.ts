import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newestOnly } from "../web/components/use-reloadable.js";

/** A load whose answer the test sends when it chooses, to make answers arrive out of order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

function recorder() {
  const seen: string[] = [];
  return { seen, onValue: (value: string) => seen.push(`value:${value}`), onError: (error: unknown) => seen.push(`error:${String(error)}`) };
}

describe("newest-only loads (web)", () => {
  it("applies the reload after a save even when the first load answers last", async () => {
    const loads = newestOnly();
    const { seen, onValue, onError } = recorder();
    const first = deferred<string>();
    const afterSave = deferred<string>();
    const firstRun = loads.run(() => first.promise, onValue, onError);
    const secondRun = loads.run(() => afterSave.promise, onValue, onError);
    afterSave.resolve("with the saved item");
    await secondRun;
    first.resolve("without it");
    await firstRun;
    assert.deepEqual(seen, ["value:with the saved item"]);
  });

  it("applies answers in order when they arrive in order", async () => {
    const loads = newestOnly();
    const { seen, onValue, onError } = recorder();
    await loads.run(() => Promise.resolve("one"), onValue, onError);
    await loads.run(() => Promise.resolve("two"), onValue, onError);
    assert.deepEqual(seen, ["value:one", "value:two"]);
  });

  it("drops an older failure that lands after a newer answer, and reports the newest failure", async () => {
    const loads = newestOnly();
    const { seen, onValue, onError } = recorder();
    const first = deferred<string>();
    const firstRun = loads.run(() => first.promise, onValue, onError);
    await loads.run(() => Promise.resolve("fresh"), onValue, onError);
    first.reject("stale failure");
    await firstRun;
    await loads.run(() => Promise.reject(new Error("offline")), onValue, onError);
    assert.deepEqual(seen, ["value:fresh", "error:Error: offline"]);
  });

  it("drops every answer still on its way after cancel, and later loads apply again", async () => {
    const loads = newestOnly();
    const { seen, onValue, onError } = recorder();
    const pending = deferred<string>();
    const run = loads.run(() => pending.promise, onValue, onError);
    loads.cancel();
    pending.resolve("for a screen that has gone");
    await run;
    assert.deepEqual(seen, []);
    await loads.run(() => Promise.resolve("next"), onValue, onError);
    assert.deepEqual(seen, ["value:next"]);
  });

  it("reports a load that throws before returning a promise, and never rejects itself", async () => {
    const loads = newestOnly();
    const { seen, onValue, onError } = recorder();
    await loads.run(
      () => {
        throw new Error("bad request");
      },
      onValue,
      onError,
    );
    assert.deepEqual(seen, ["error:Error: bad request"]);
  });
});
