import { useSyncExternalStore } from "react";

/** A hand-written router on history.pushState: paths only, never query strings with patient data. */
const navigationEvent = "mamori:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(navigationEvent, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(navigationEvent, onChange);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

/** The current path; re-renders on navigation and on the back/forward buttons. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Moves to a path without reloading the page. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(navigationEvent));
}

export type Route =
  | { name: "home" }
  | { name: "login" }
  | { name: "setup" }
  | { name: "invite" }
  | { name: "patient"; id: string }
  | { name: "audit-log" }
  | { name: "users" }
  | { name: "access-review" }
  | { name: "my-account" }
  | { name: "incidents" }
  | { name: "security-settings" }
  | { name: "compliance" }
  | { name: "ids-alerts" }
  | { name: "break-glass-reviews" }
  | { name: "not-found" };

/** Maps a path to a route. */
export function matchRoute(path: string): Route {
  if (path === "/" || path === "") return { name: "home" };
  if (path === "/login") return { name: "login" };
  if (path === "/setup") return { name: "setup" };
  if (path === "/invite") return { name: "invite" };
  if (path === "/security/audit") return { name: "audit-log" };
  if (path === "/admin/users") return { name: "users" };
  if (path === "/security/access-review") return { name: "access-review" };
  if (path === "/account") return { name: "my-account" };
  if (path === "/security/incidents") return { name: "incidents" };
  if (path === "/settings/security") return { name: "security-settings" };
  if (path === "/security/compliance") return { name: "compliance" };
  if (path === "/security/alerts") return { name: "ids-alerts" };
  if (path === "/security/break-glass") return { name: "break-glass-reviews" };
  const patient = /^\/patients\/([^/]+)$/.exec(path);
  if (patient?.[1]) return { name: "patient", id: decodeURIComponent(patient[1]) };
  return { name: "not-found" };
}
