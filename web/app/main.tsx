import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { startI18n } from "../i18n/index.js";
import { App } from "./app.js";
import { takeOneTimeToken } from "./one-time-token.js";
import { SessionProvider } from "./session-context.js";
import "./styles.css";

// First thing on load: take a one-time token out of the address bar before anything else can see it.
const token = takeOneTimeToken();

void startI18n().then(() => {
  const container = document.getElementById("root");
  if (!container) throw new Error("index.html has no #root");
  createRoot(container).render(
    <StrictMode>
      <SessionProvider>
        <App initialToken={token} />
      </SessionProvider>
    </StrictMode>,
  );
});
