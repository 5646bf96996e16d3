import { useCallback, useEffect, useState } from "react";

/**
 * Starts loads one after another and passes on only the newest one's outcome. Answers can arrive out of order:
 * the first load of a list may land after the reload that follows a save, and would then hide what was just saved.
 */
export interface NewestOnly {
  /** Starts `load`; `onValue` or `onError` is called only if no later load was started (and no cancel) meanwhile. */
  run<T>(load: () => Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): Promise<void>;
  /** Drops every answer still on its way (the screen left, or what it loads changed). */
  cancel(): void;
}

export function newestOnly(): NewestOnly {
  let newest = 0;
  return {
    run<T>(load: () => Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void) {
      const ticket = ++newest;
      // The executor turns a load that throws before returning its promise into a refusal, so onError hears of it.
      return new Promise<T>((resolve) => resolve(load())).then(
        (value) => {
          if (ticket === newest) onValue(value);
        },
        (error: unknown) => {
          if (ticket === newest) onError(error);
        },
      );
    },
    cancel() {
      newest += 1;
    },
  };
}

export interface Reloadable<T> {
  /** The newest load's answer; undefined until the first one arrives, kept while a reload is on its way. */
  value: T | undefined;
  /** The newest load's failure; cleared when a later load succeeds. */
  error: unknown;
  /** Loads again (after a save, say); settles once the answer is shown or dropped for a newer one. Never rejects. */
  reload(): Promise<void>;
}

/**
 * Loads a value for a screen when it mounts, again when `load` (memoise it with useCallback) or `refreshKey`
 * changes, and on reload(). Only the newest load's answer or error is applied, so a quick save followed by its
 * reload cannot be overwritten by the slower answer of an earlier load.
 */
export function useReloadable<T>(load: () => Promise<T>, refreshKey?: unknown): Reloadable<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loads] = useState(newestOnly);

  const reload = useCallback(
    () =>
      loads.run(
        load,
        (found) => {
          setError(undefined);
          setValue(found);
        },
        setError,
      ),
    [loads, load],
  );
  useEffect(() => {
    void reload();
    return loads.cancel;
  }, [loads, reload, refreshKey]);

  return { value, error, reload };
}
