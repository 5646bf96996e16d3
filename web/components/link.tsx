import type { MouseEvent, ReactNode } from "react";
import { navigate } from "../app/router.js";

/** An <a> that navigates without a page load but still works with middle-click and "open in new tab". */
export function Link({ to, className, children, testId }: { to: string; className?: string; children: ReactNode; testId?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick} data-testid={testId}>
      {children}
    </a>
  );
}
