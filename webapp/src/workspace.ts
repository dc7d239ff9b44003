import { createContext, useContext } from "react";
import type { WorkspaceQuery } from "./gql/graphql";

export interface Workspace {
  organization: WorkspaceQuery["organization"];
  user: NonNullable<WorkspaceQuery["currentUser"]> | null;
  /**
   * Whether customer writes are offered at all. Schreibgeschützte Kunden make every web
   * user read-only for customers; the server refuses such writes anyway, the app just
   * does not offer what would fail.
   */
  canWriteCustomers: boolean;
  /** A message for the status line ("Kunde wurde erfolgreich angelegt"). */
  announce: (message: string) => void;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace outside the workspace");
  return workspace;
}
