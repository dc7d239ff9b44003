import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { Provider, useMutation, useQuery } from "urql";
import { createClient } from "./client";
import { LOGOUT, WORKSPACE } from "./operations";
import { Login } from "./pages/Login";
import { PasswordChange } from "./pages/PasswordChange";
import { clearSession, sessionToken } from "./session";
import { Shell } from "./Shell";

type Phase = "login" | "passwordChange" | "workspace";

export function App(): ReactNode {
  const [phase, setPhase] = useState<Phase>(sessionToken() ? "workspace" : "login");
  const client = useMemo(() => createClient(() => setPhase("login")), []);
  return (
    <Provider value={client}>
      {phase === "login" && (
        <Login onLoggedIn={(mustChange) => setPhase(mustChange ? "passwordChange" : "workspace")} />
      )}
      {phase === "passwordChange" && (
        <LoggedIn onLoggedOut={() => setPhase("login")}>
          {(logout) => (
            <PasswordChange onChanged={() => setPhase("workspace")} onCancel={logout} />
          )}
        </LoggedIn>
      )}
      {phase === "workspace" && (
        <LoggedIn onLoggedOut={() => setPhase("login")}>
          {(logout) => (
            <WorkspaceLoader onLogout={logout} onPasswordChangeRequired={() => setPhase("passwordChange")} />
          )}
        </LoggedIn>
      )}
    </Provider>
  );
}

/** Gives its children an Abmelden that ends the session on the server too. */
function LoggedIn(props: {
  onLoggedOut: () => void;
  children: (logout: () => void) => ReactNode;
}): ReactNode {
  const [, logoutMutation] = useMutation(LOGOUT);
  const { onLoggedOut } = props;
  const logout = useCallback(() => {
    void logoutMutation({}).finally(() => {
      clearSession();
      onLoggedOut();
    });
  }, [logoutMutation, onLoggedOut]);
  return props.children(logout);
}

function WorkspaceLoader(props: {
  onLogout: () => void;
  onPasswordChangeRequired: () => void;
}): ReactNode {
  const [{ data, error, fetching }] = useQuery({ query: WORKSPACE });
  // A reload during a one-time-password session: the server refuses everything else.
  const mustChangePassword =
    error?.graphQLErrors.some((e) => e.extensions.code === "PASSWORD_CHANGE_REQUIRED") ?? false;
  const { onPasswordChangeRequired } = props;
  useEffect(() => {
    if (mustChangePassword) onPasswordChangeRequired();
  }, [mustChangePassword, onPasswordChangeRequired]);
  if (mustChangePassword) return null;
  if (fetching || !data) {
    return <p role="status">{error ? "Die Daten konnten nicht geladen werden." : "Wird geladen …"}</p>;
  }
  return <Shell organization={data.organization} user={data.currentUser ?? null} onLogout={props.onLogout} />;
}
