import { RequestError } from "./request-error.js";

/**
 * Privileged actions may answer `session.step_up_required`; the dialog that asks for a fresh second factor
 * registers here, and `withStepUp` runs an action, lets the user re-verify once, and retries it.
 */
type Prompt = () => Promise<boolean>;
let prompt: Prompt | undefined;

/** Installs the re-verification dialog (one at a time); returns the uninstall function. */
export function onStepUpRequest(show: Prompt): () => void {
  prompt = show;
  return () => {
    if (prompt === show) prompt = undefined;
  };
}

/** Runs `action`; when the server asks for a fresh second factor, shows the dialog and, once verified, retries. */
export async function withStepUp<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof RequestError && error.isStepUpRequired) || !prompt) throw error;
    if (!(await prompt())) throw error;
    return action();
  }
}
