import { useEffect } from "react";

// Jobs run in worker processes on the server; the app asks for their state this often.
export const POLL_MS = 500;

/** Calls `poll` every POLL_MS while `active`. */
export function usePolling(active: boolean, poll: () => void): void {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(poll, POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, poll]);
}
