import { useEffect, useState, type MouseEvent, type ReactNode } from "react";

/** Routes below /app; the server answers every one of them with index.html. */
export const BASE = "/app";

export function navigate(path: string): void {
  window.history.pushState(null, "", BASE + path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The path below /app, e.g. "/kunden/neu". */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = (): void => setPath(currentPath());
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

function currentPath(): string {
  const path = window.location.pathname;
  const below = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return below === "" || below === "/" ? "/kunden" : below.replace(/\/$/, "");
}

export function Link(props: { to: string; children: ReactNode; className?: string }): ReactNode {
  const follow = (event: MouseEvent<HTMLAnchorElement>): void => {
    // Let the browser handle new tabs and windows.
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={BASE + props.to} onClick={follow} className={props.className}>
      {props.children}
    </a>
  );
}
