import { useEffect, useRef, useState, type ReactNode } from "react";
import { CreateMenu } from "./components/CreateMenu";
import type { WorkspaceQuery } from "./gql/graphql";
import { CustomerCreate } from "./pages/CustomerCreate";
import { CustomerDetail } from "./pages/CustomerDetail";
import { CustomerList } from "./pages/CustomerList";
import { Link, navigate, usePath } from "./router";
import { WorkspaceContext, type Workspace } from "./workspace";

interface Props {
  organization: WorkspaceQuery["organization"];
  user: NonNullable<WorkspaceQuery["currentUser"]> | null;
  onLogout: () => void;
}

// Two keys after each other open the create mask: c, then n within this time.
const SHORTCUT_WINDOW_MS = 1500;

export function Shell(props: Props): ReactNode {
  const path = usePath();
  const [message, setMessage] = useState("");
  const canWriteCustomers =
    !props.organization.customersReadOnly && props.user?.role !== "READ_ONLY";
  const workspace: Workspace = {
    organization: props.organization,
    user: props.user,
    canWriteCustomers,
    announce: setMessage,
  };
  useCreateShortcut(canWriteCustomers);

  return (
    <WorkspaceContext.Provider value={workspace}>
      <div className="shell">
        <header className="topbar">
          {canWriteCustomers && <CreateMenu />}
          <span className="brand">Kundenstamm · {props.organization.name}</span>
          <span className="user">{props.user?.email}</span>
          <button type="button" className="secondary" onClick={props.onLogout}>
            Abmelden
          </button>
        </header>
        <nav aria-label="Hauptnavigation" className="sidenav">
          <ul>
            <li>
              <Link to="/kunden">Kunden</Link>
            </li>
          </ul>
        </nav>
        <main className="content">
          <p role="status" className="status">
            {message}
          </p>
          <Route path={path} />
        </main>
      </div>
    </WorkspaceContext.Provider>
  );
}

function Route(props: { path: string }): ReactNode {
  if (props.path === "/kunden/neu") return <CustomerCreate />;
  const detail = /^\/kunden\/([^/]+)$/.exec(props.path);
  if (detail) return <CustomerDetail id={decodeURIComponent(detail[1])} />;
  return <CustomerList />;
}

/** "c" then "n" opens the create mask, except while typing in a field. */
function useCreateShortcut(enabled: boolean): void {
  const pendingSince = useRef<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
        pendingSince.current = null;
        return;
      }
      const key = event.key.toLowerCase();
      const now = Date.now();
      if (key === "n" && pendingSince.current !== null && now - pendingSince.current < SHORTCUT_WINDOW_MS) {
        pendingSince.current = null;
        event.preventDefault();
        navigate("/kunden/neu");
        return;
      }
      pendingSince.current = key === "c" ? now : null;
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
