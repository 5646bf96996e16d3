import { useCallback, useRef, useState, type FormEvent } from "react";

export interface Submit {
  isBusy: boolean;
  error: unknown;
  /** A form onSubmit handler: prevents the page load, ignores double submits, records the error. */
  onSubmit(event: FormEvent<HTMLFormElement>): void;
  setError(error: unknown): void;
}

/** Runs a form's async action once at a time and keeps its last error for display. */
export function useSubmit(action: () => Promise<void>): Submit {
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const isRunning = useRef(false);
  const actionRef = useRef(action);
  actionRef.current = action;

  const onSubmit = useCallback((event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isRunning.current) return;
    isRunning.current = true;
    setBusy(true);
    setError(undefined);
    actionRef
      .current()
      .catch((failure: unknown) => setError(failure))
      .finally(() => {
        isRunning.current = false;
        setBusy(false);
      });
  }, []);

  return { isBusy, error, onSubmit, setError };
}
